import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DocumentFile, loadDocument, writeDocumentAtomically, type DocumentFormat } from '../../../../electron/service/json-file';

interface Counter {
  count: number;
}

const counterFormat: DocumentFormat<Counter> = {
  schemaVersion: 2,
  decode: (raw) =>
    typeof (raw as Counter).count === 'number'
      ? { ok: true, value: { count: (raw as Counter).count } }
      : { ok: false, error: 'count: expected a number' },
  // Schema 1 called the field `n`.
  migrate: (raw) => ({ schemaVersion: 2, count: (raw as { n: number }).n }),
  encode: (value) => value,
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'presently-json-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('versioned JSON documents', () => {
  it('given no file, when loading, then it reports missing and creates nothing', async () => {
    expect(await loadDocument(path.join(dir, 'c.json'), counterFormat)).toEqual({ kind: 'missing' });
    expect(await readdir(dir)).toEqual([]);
  });

  it('given a saved document, when loading, then it comes back with its schema version on disk and no temporary files left', async () => {
    const file = path.join(dir, 'c.json');
    await writeDocumentAtomically(file, counterFormat, { count: 3 });
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ schemaVersion: 2, count: 3 });
    expect(await loadDocument(file, counterFormat)).toEqual({ kind: 'loaded', value: { count: 3 } });
    expect(await readdir(dir)).toEqual(['c.json']);
  });

  it('given an older schema, when loading, then it is migrated', async () => {
    const file = path.join(dir, 'c.json');
    await writeFile(file, JSON.stringify({ schemaVersion: 1, n: 7 }));
    expect(await loadDocument(file, counterFormat)).toEqual({ kind: 'loaded', value: { count: 7 } });
  });

  it.each([
    ['truncated JSON', '{"schemaVersion": 2, "cou', /not valid JSON/],
    ['no schema version', '{"count": 1}', /no schema version/],
    ['a newer schema', '{"schemaVersion": 9, "count": 1}', /newer Presently \(schema 9/],
    ['wrong content', '{"schemaVersion": 2, "count": "many"}', /content is not valid \(count: expected a number\)/],
    ['an array', '[1,2]', /not a JSON object/],
  ])('given %s, when loading, then the file is set aside with the reason, never deleted', async (_case, text, reason) => {
    const file = path.join(dir, 'c.json');
    await writeFile(file, text);
    const result = await loadDocument(file, counterFormat, () => Date.UTC(2026, 0, 2, 3, 4, 5, 6));
    expect(result).toMatchObject({ kind: 'set-aside', reason: expect.stringMatching(reason) });
    const movedTo = path.join(dir, 'c.json.corrupt-2026-01-02T03-04-05-006Z');
    expect(result.kind === 'set-aside' && result.movedTo).toBe(movedTo);
    expect(await readFile(movedTo, 'utf8')).toBe(text);
    expect(await readdir(dir)).toEqual(['c.json.corrupt-2026-01-02T03-04-05-006Z']);
  });

  it('given two damaged files set aside in the same millisecond, then neither overwrites the other', async () => {
    const file = path.join(dir, 'c.json');
    const now = () => 0;
    await writeFile(file, 'first');
    await loadDocument(file, counterFormat, now);
    await writeFile(file, 'second');
    await loadDocument(file, counterFormat, now);
    expect((await readdir(dir)).sort()).toEqual(['c.json.corrupt-1970-01-01T00-00-00-000Z', 'c.json.corrupt-1970-01-01T00-00-00-000Z-1']);
  });

  it('given many saves requested at once, then they land in order and the last one is on disk', async () => {
    const document = new DocumentFile(path.join(dir, 'c.json'), counterFormat);
    await Promise.all(Array.from({ length: 20 }, (_, i) => document.save({ count: i })));
    expect(await document.load()).toEqual({ kind: 'loaded', value: { count: 19 } });
    expect(await readdir(dir)).toEqual(['c.json']);
  });

  it('given a save that fails, then the caller hears of it and the next save still works', async () => {
    const blocked = path.join(dir, 'blocked');
    await writeFile(blocked, 'a file where a folder should be');
    const failing = new DocumentFile(path.join(blocked, 'c.json'), counterFormat);
    await expect(failing.save({ count: 1 })).rejects.toThrow();
    const document = new DocumentFile(path.join(dir, 'c.json'), counterFormat);
    await document.save({ count: 2 });
    expect(await document.load()).toEqual({ kind: 'loaded', value: { count: 2 } });
  });
});
