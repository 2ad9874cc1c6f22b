/**
 * The state file on its own (a real SQLite file in a temporary folder): group commit, the order of the callbacks
 * waiting for it, the last write of a row winning, the file's mode, a second user of the file refused, rows that
 * cannot be read left out instead of stopping the start — each with the commits on the test's thread and on the state
 * writer thread (through its TypeScript bootstrap).
 */
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStateStore, StateFileError, type CompositorStateStore } from '../../../../../electron/compositor/state/state-store';
import { loadState } from '../../../../../electron/compositor/state/state-rows';

let folder: string;
let file: string;
const open: CompositorStateStore[] = [];

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'presently-store-'));
  file = join(folder, 'state.db');
});

afterEach(() => {
  for (const store of open.splice(0)) store.close();
  rmSync(folder, { recursive: true, force: true });
});

const WRITER_THREAD = new URL('../../../../support/compositor/state-writer-worker.dev.mjs', import.meta.url);
const WRITERS = [
  { where: 'on this thread', options: {} },
  { where: 'on the writer thread', options: { writerThread: WRITER_THREAD } },
] as const;
let writer: (typeof WRITERS)[number]['options'] = {};

async function store(): Promise<CompositorStateStore> {
  const opened = await openStateStore(file, writer);
  open.push(opened);
  return opened;
}

/** Resolves after the store's end-of-turn commit has run. */
function committed(s: CompositorStateStore): Promise<Error | null> {
  return new Promise((resolve) => s.afterCommit(resolve));
}

describe.each(WRITERS)('the state store, committing $where', ({ options }) => {
  beforeEach(() => {
    writer = options;
  });

  it('given a new file, when opened, then it is created with mode 600', async () => {
    await store();
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('given writes within one turn, when committed, then they share one transaction and the callbacks run in order after it', async () => {
    const s = await store();
    const order: string[] = [];
    for (let i = 0; i < 20; i++) s.put('bindings', { id: `b${i}`, aorKey: 'alice@example.com', expiresAt: 1, data: { n: i } });
    s.afterCommit(() => order.push('first'));
    s.put('bindings', { id: 'b20', aorKey: 'alice@example.com', expiresAt: 1, data: { n: 20 } });
    s.afterCommit(() => order.push('second'));
    expect(order).toEqual([]);
    expect(await committed(s)).toBeNull();
    expect(order).toEqual(['first', 'second']);
    expect([s.commits, s.rowsWritten]).toEqual([1, 21]);
  });

  it('given nothing pending, when a callback waits for the commit, then it runs at once', async () => {
    const s = await store();
    let ran = false;
    s.afterCommit(() => (ran = true));
    expect(ran).toBe(true);
  });

  it('given a row written twice and another removed in one turn, when read back, then the last write wins and the removed row is gone', async () => {
    const first = await store();
    first.put('publications', { id: 'e1', aorKey: 'a@x', expiresAt: 5, data: { v: 1 } });
    first.put('publications', { id: 'e2', aorKey: 'a@x', expiresAt: 5, data: { v: 1 } });
    await committed(first);
    first.put('publications', { id: 'e1', aorKey: 'a@x', expiresAt: 9, data: { v: 2 } });
    first.remove('publications', 'e2');
    first.close();
    const again = await store();
    expect(again.load('publications')).toEqual({ rows: [{ id: 'e1', aorKey: 'a@x', expiresAt: 9, data: { v: 2 } }], unreadable: 0 });
  });

  it('given writes of two turns handed over, when the store is flushed, then every callback has run, in order, when flush returns', async () => {
    const s = await store();
    const order: string[] = [];
    s.put('publications', { id: 'e1', aorKey: 'a@x', expiresAt: 5, data: { v: 1 } });
    s.afterCommit((error) => order.push(`first ${String(error)}`));
    await new Promise((resolve) => setImmediate(resolve));
    s.put('publications', { id: 'e2', aorKey: 'a@x', expiresAt: 5, data: { v: 2 } });
    s.afterCommit((error) => order.push(`second ${String(error)}`));
    s.flush();
    expect(order).toEqual(['first null', 'second null']);
    expect(s.rowsWritten).toBe(2);
  });

  it('given presence rules saved beside pending writes, when the file is opened again, then both are there', async () => {
    const first = await store();
    first.put('bindings', { id: 'b1', aorKey: 'a@x', expiresAt: 5, data: { n: 1 } });
    first.rules.save('a@x', '<ruleset/>');
    expect(first.commits).toBe(1);
    first.close();
    const again = await store();
    expect([...again.rules.load()]).toEqual([['a@x', '<ruleset/>']]);
    expect(again.load('bindings').rows.map((row) => row.id)).toEqual(['b1']);
  });

  it('given buddy lists and rules saved for the same owner, when the file is opened again, then each is back in its own place', async () => {
    const first = await store();
    first.rules.save('a@x', '<ruleset/>');
    first.resourceLists.save('a@x', '<resource-lists/>');
    first.resourceLists.save('a@x', '<resource-lists>v2</resource-lists>');
    first.close();
    const again = await store();
    expect([...again.rules.load()]).toEqual([['a@x', '<ruleset/>']]);
    expect([...again.resourceLists.load()]).toEqual([['a@x', '<resource-lists>v2</resource-lists>']]);
  });

  it('given a file of schema 1 (before buddy lists), when opened, then its rules are kept and lists can be saved in it', async () => {
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(file);
    db.exec(`
      CREATE TABLE publications (id TEXT PRIMARY KEY, aor_key TEXT NOT NULL, expires_at INTEGER NOT NULL, data TEXT NOT NULL);
      CREATE TABLE subscriptions (id TEXT PRIMARY KEY, aor_key TEXT NOT NULL, expires_at INTEGER NOT NULL, data TEXT NOT NULL);
      CREATE TABLE bindings (id TEXT PRIMARY KEY, aor_key TEXT NOT NULL, expires_at INTEGER NOT NULL, data TEXT NOT NULL);
      CREATE TABLE rules (owner_key TEXT PRIMARY KEY, xml TEXT NOT NULL);
      INSERT INTO rules VALUES ('a@x', '<ruleset/>');
      PRAGMA user_version = 1;
    `);
    db.close();
    chmodSync(file, 0o600);
    const upgraded = await store();
    expect([...upgraded.rules.load()]).toEqual([['a@x', '<ruleset/>']]);
    expect([...upgraded.resourceLists.load()]).toEqual([]);
    upgraded.resourceLists.save('a@x', '<resource-lists/>');
    upgraded.close();
    open.splice(0);
    const check = new DatabaseSync(file);
    expect((check.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(2);
    check.close();
    expect([...(await store()).resourceLists.load()]).toEqual([['a@x', '<resource-lists/>']]);
  });

  it('given a file in use by another compositor, when opened a second time, then it is refused with a sentence', async () => {
    await store();
    await expect(openStateStore(file, writer)).rejects.toThrow(
      new StateFileError(`--state ${file} is in use by another compositor; stop it first or give another file`),
    );
  });

  it('given rows lacking what the compositor needs, when loaded, then they are left out and counted', async () => {
    const s = await store();
    s.put('publications', { id: 'e1', aorKey: 'a@x', expiresAt: 5, data: { etag: 'e1' } });
    s.put('subscriptions', { id: 'd1', aorKey: 'a@x', expiresAt: 5, data: { id: 'd1', aor: { key: 'a@x' } } });
    s.put('bindings', { id: 'b1', aorKey: 'a@x', expiresAt: 5, data: null });
    await committed(s);
    const loaded = loadState(s);
    expect([loaded.publications, loaded.subscriptions, loaded.bindings, loaded.unreadable]).toEqual([[], [], [], 3]);
  });
});

describe('the state writer thread', () => {
  it('given a thread that cannot start, when the store is opened, then it fails at once with the reason', async () => {
    const started = Date.now();
    await expect(openStateStore(file, { writerThread: join(folder, 'no-such-worker.cjs') })).rejects.toThrow(
      /state writer thread (failed|exited)/,
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
