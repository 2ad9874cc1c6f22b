/** Reads the PIDF fixtures in test/fixtures/pidf/ (see the README there for where each came from). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURES = new URL('../../../fixtures/pidf/', import.meta.url);

export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(name, FIXTURES)), 'utf8');
}
