/**
 * Exhaustiveness for `switch` statements over unions: called in the `default` branch, it makes a case
 * added to the union but forgotten in the switch a compile error, and throws if a value from outside the
 * types (a newer main process, a hand-edited file) arrives at run time anyway.
 */

/** Marks a branch the types say cannot be reached; throws naming the value that reached it. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}
