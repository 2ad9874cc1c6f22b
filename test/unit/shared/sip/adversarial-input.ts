/**
 * Runs of the characters that make naive SIP readers backtrack or rescan (the linear-time bound itself is
 * checked by test/support/linear-time.ts). Each maker returns about `bytes` characters.
 */
export const ADVERSARIAL_RUNS: ReadonlyArray<readonly [string, (bytes: number) => string]> = [
  // `\s*(.*)$` after a Via's sent-by retried every split of the spaces, since `.` stops at the CR.
  ['spaces then a bare CR', (bytes) => ' '.repeat(bytes) + 'x\rx'],
  ['semicolons', (bytes) => ';'.repeat(bytes)],
  ['double quotes', (bytes) => '"'.repeat(bytes)],
  ['escaped quotes', (bytes) => '"' + '\\"'.repeat(bytes / 2)],
  ['opening angle brackets', (bytes) => '<'.repeat(bytes)],
  ['commas', (bytes) => ','.repeat(bytes)],
  ['parameters without values', (bytes) => ';a'.repeat(bytes / 2)],
  ['open IPv6 brackets', (bytes) => '['.repeat(bytes)],
  ['colons', (bytes) => ':'.repeat(bytes)],
];
