/**
 * Tiny runtime validators for data that crosses a trust boundary (IPC payloads, files on disk).
 *
 * Each validator checks an `unknown` value and returns either the value, typed, or a path-qualified
 * error message. The renderer is treated as untrusted by the main process, so every IPC payload is
 * checked with one of these before a handler sees it.
 */

/** Outcome of a validation: the typed value, or what was wrong and where. */
export type Validation<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** A runtime check that narrows `unknown` to `T`. */
export interface Validator<T> {
  /** Human-readable name of the expected shape, used in error messages. */
  readonly expected: string;
  validate(input: unknown, path?: string): Validation<T>;
}

/** The static type a validator accepts. */
export type Infer<V> = V extends Validator<infer T> ? T : never;

const ok = <T>(value: T): Validation<T> => ({ ok: true, value });
const fail = (path: string, expected: string, input: unknown): Validation<never> => ({
  ok: false,
  error: `${path || 'value'}: expected ${expected}, got ${describe(input)}`,
});

function describe(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  if (typeof input === 'string') return input.length > 40 ? 'a long string' : JSON.stringify(input);
  if (typeof input === 'number' || typeof input === 'boolean') return String(input);
  return typeof input;
}

function validator<T>(expected: string, check: (input: unknown, path: string) => Validation<T>): Validator<T> {
  return { expected, validate: (input, path = '') => check(input, path) };
}

/** Accepts `undefined` only: the payload of a request that takes no argument. */
export const none: Validator<undefined> = validator('no payload', (input, path) =>
  input === undefined ? ok(undefined) : fail(path, 'no payload', input),
);

/** A string, optionally bounded in length and matched against a pattern. */
export function string(options: { minLength?: number; maxLength?: number; pattern?: RegExp } = {}): Validator<string> {
  const { minLength = 0, maxLength = Number.POSITIVE_INFINITY, pattern } = options;
  const expected = `a string of ${minLength}..${maxLength === Number.POSITIVE_INFINITY ? '∞' : maxLength} characters`;
  return validator(expected, (input, path) => {
    if (typeof input !== 'string') return fail(path, expected, input);
    if (input.length < minLength || input.length > maxLength) return fail(path, expected, input);
    if (pattern && !pattern.test(input)) return fail(path, `a string matching ${pattern.source}`, input);
    return ok(input);
  });
}

/** A finite number, optionally an integer within bounds. */
export function number(options: { min?: number; max?: number; integer?: boolean } = {}): Validator<number> {
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY, integer = false } = options;
  const expected = `${integer ? 'an integer' : 'a number'} in [${min}, ${max}]`;
  return validator(expected, (input, path) => {
    if (typeof input !== 'number' || !Number.isFinite(input)) return fail(path, expected, input);
    if (integer && !Number.isInteger(input)) return fail(path, expected, input);
    if (input < min || input > max) return fail(path, expected, input);
    return ok(input);
  });
}

/** `true` or `false`. */
export const boolean: Validator<boolean> = validator('a boolean', (input, path) =>
  typeof input === 'boolean' ? ok(input) : fail(path, 'a boolean', input),
);

/** One of a fixed set of string literals. */
export function literal<const T extends readonly string[]>(...values: T): Validator<T[number]> {
  const expected = `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return validator(expected, (input, path) =>
    typeof input === 'string' && (values as readonly string[]).includes(input) ? ok(input as T[number]) : fail(path, expected, input),
  );
}

/** An array whose every element passes `item`, with an optional maximum length. */
export function array<T>(item: Validator<T>, options: { maxLength?: number } = {}): Validator<T[]> {
  const { maxLength = Number.POSITIVE_INFINITY } = options;
  const expected = `an array of ${item.expected}`;
  return validator(expected, (input, path) => {
    if (!Array.isArray(input) || input.length > maxLength) return fail(path, expected, input);
    const out: T[] = [];
    for (let i = 0; i < input.length; i++) {
      const result = item.validate(input[i], `${path}[${i}]`);
      if (!result.ok) return result;
      out.push(result.value);
    }
    return ok(out);
  });
}

type Shape = Record<string, Validator<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends Optional<unknown> ? K : never }[keyof S];
type ObjectOf<S extends Shape> = { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & {
  [K in OptionalKeys<S>]?: Infer<S[K]>;
};

/** Marks an object property as optional (absent or `undefined`). */
export interface Optional<T> extends Validator<T | undefined> {
  readonly isOptional: true;
}

/** Wraps a validator so that the property may be missing. */
export function optional<T>(inner: Validator<T>): Optional<T> {
  const expected = `${inner.expected} (optional)`;
  return {
    expected,
    isOptional: true,
    validate: (input, path = '') => (input === undefined ? ok(undefined) : inner.validate(input, path)),
  };
}

/**
 * A plain object with exactly the given properties. Unknown properties are rejected rather than
 * ignored: a renderer sending fields main does not expect is a bug worth hearing about.
 */
export function object<S extends Shape>(shape: S): Validator<ObjectOf<S>> {
  const expected = `an object with ${Object.keys(shape).join(', ') || 'no properties'}`;
  return validator(expected, (input, path) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return fail(path, expected, input);
    const record = input as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!Object.hasOwn(shape, key)) return { ok: false, error: `${path ? `${path}.` : ''}${key}: unexpected property` };
    }
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      const result = check.validate(record[key], path ? `${path}.${key}` : key);
      if (!result.ok) return result;
      if (result.value !== undefined) out[key] = result.value;
    }
    return ok(out as ObjectOf<S>);
  });
}

/** A value passing any one of the given validators (first match wins). */
export function union<T extends readonly Validator<unknown>[]>(...options: T): Validator<Infer<T[number]>> {
  const expected = options.map((o) => o.expected).join(' or ');
  return validator(expected, (input, path) => {
    for (const option of options) {
      const result = option.validate(input, path);
      if (result.ok) return result as Validation<Infer<T[number]>>;
    }
    return fail(path, expected, input);
  });
}

/** `null`, or a value passing `inner`. */
export function nullable<T>(inner: Validator<T>): Validator<T | null> {
  const expected = `${inner.expected} or null`;
  return validator(expected, (input, path) => (input === null ? ok(null) : inner.validate(input, path)));
}
