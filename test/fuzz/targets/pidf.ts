/**
 * The `pidf` target: the presence codec in-process — parsePresenceBody, then summarizePresence on what it
 * accepted — fed damaged PIDF/CPIM-PIDF/XPIDF documents. An input is `Content-Type` on the first line,
 * then the body (so a saved input carries both). Any throw is a crash: parsing promises never to throw,
 * and summarising a parsed document has no excuse to.
 */
import { parsePresenceBody, summarizePresence } from '../../../shared/pidf';
import { mutateOrKeep, mutateXml } from '../mutators';
import type { Prng } from '../prng';
import { pidfSeeds } from '../seeds';
import type { FuzzInput, FuzzTarget, InputResult } from './target';

const CONTENT_TYPES = [
  'application/pidf+xml',
  'APPLICATION/PIDF+XML; charset=utf-8',
  'application/cpim-pidf+xml',
  'application/xpidf+xml',
  'application/pidf+xml;' + ';'.repeat(1000),
  'application/pidf+xml; q="' + '"'.repeat(1000),
  'text/plain',
  '',
  'application/',
  'multipart/related;type="application/pidf+xml"',
];

/** Splits a saved pidf input back into its Content-Type and body. */
export function splitPidfInput(bytes: Buffer): { contentType: string; body: string } {
  const newline = bytes.indexOf(0x0a);
  const end = newline === -1 ? bytes.length : newline;
  return { contentType: bytes.toString('latin1', 0, end), body: bytes.toString('utf8', Math.min(end + 1, bytes.length)) };
}

/** The pidf target (in-process, nothing to start). */
export function pidfTarget(): FuzzTarget {
  return {
    name: 'pidf',
    generate(rng: Prng): FuzzInput {
      const seed = rng.pick(pidfSeeds());
      const contentType = rng.chance(0.1) ? rng.pick(CONTENT_TYPES) : seed.contentType;
      const mutation = mutateOrKeep(seed.body, rng, mutateXml);
      return {
        bytes: Buffer.from(`${contentType.replace(/\n/g, ' ')}\n${mutation.text}`, 'latin1'),
        seedName: seed.name,
        mutators: mutation.applied,
      };
    },
    start: async () => undefined,
    run(bytes: Buffer): Promise<InputResult> {
      const { contentType, body } = splitPidfInput(bytes);
      const startedAt = performance.now();
      try {
        const result = parsePresenceBody(body, contentType);
        const outcome = result.ok ? `ok:${summarizePresence(result.document).status}` : `refused:${result.error.code}`;
        return Promise.resolve({ ms: performance.now() - startedAt, outcomes: [outcome], failures: [] });
      } catch (error) {
        const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
        return Promise.resolve({ ms: performance.now() - startedAt, outcomes: ['threw'], failures: [{ kind: 'crash', detail }] });
      }
    },
    restart: async () => undefined,
    stop: async () => undefined,
  };
}
