import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BuddyStore } from '../../../../electron/service/buddy-store';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'presently-buddies-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bob = { aor: 'sip:bob@example.com', displayName: 'Bob', group: 'Team' };

describe('buddy store', () => {
  it('given buddies added, edited and removed, when the folder is loaded again, then the list is as left', async () => {
    const store = new BuddyStore(dir);
    await store.load();
    await store.add(bob);
    await store.add({ aor: 'carol@example.com', displayName: '', group: '' });
    await store.add({ aor: 'sip:dave@example.com', displayName: 'Dave', group: '' });
    await store.update('sip:carol@example.com', { aor: 'sip:carol@example.org', displayName: 'Carol', group: 'Team' });
    await store.remove('sip:dave@example.com');

    const again = new BuddyStore(dir);
    await again.load();
    expect(again.buddies).toEqual([bob, { aor: 'sip:carol@example.org', displayName: 'Carol', group: 'Team' }]);
  });

  it('given a bad address, when adding, then the reason is given and nothing is saved', async () => {
    const store = new BuddyStore(dir);
    await store.load();
    await store.add(bob);
    const before = await readFile(store.path, 'utf8');
    await expect(store.add({ aor: 'bob at example', displayName: '', group: '' })).rejects.toThrow(/cannot contain spaces/);
    await expect(store.add({ aor: 'sip:bob@example.com', displayName: 'Twice', group: '' })).rejects.toThrow(/already in your buddy list/);
    expect(store.buddies).toEqual([bob]);
    expect(await readFile(store.path, 'utf8')).toBe(before);
  });

  it('given an edit onto an address already listed, then it is refused', async () => {
    const store = new BuddyStore(dir);
    await store.load();
    await store.add(bob);
    await store.add({ aor: 'sip:carol@example.com', displayName: '', group: '' });
    await expect(store.update('sip:carol@example.com', { ...bob })).rejects.toThrow(/already in your buddy list/);
    await expect(store.remove('sip:nobody@example.com')).rejects.toThrow(/not in your buddy list/);
  });

  it('given many adds at once, then none is lost', async () => {
    const store = new BuddyStore(dir);
    await store.load();
    await Promise.all(Array.from({ length: 25 }, (_, i) => store.add({ aor: `sip:u${i}@example.com`, displayName: '', group: '' })));
    const again = new BuddyStore(dir);
    await again.load();
    expect(again.buddies).toHaveLength(25);
  });

  it('given a save that fails, then the list in memory stays as on disk', async () => {
    const store = new BuddyStore(path.join(dir, 'not-a-folder'));
    await writeFile(path.join(dir, 'not-a-folder'), 'x');
    await store.load().catch(() => undefined);
    await expect(store.add(bob)).rejects.toThrow(/could not be saved.*nothing was changed/);
    expect(store.buddies).toEqual([]);
  });

  it('given a file listing the same buddy twice, then it is set aside, not half-read', async () => {
    await writeFile(path.join(dir, 'buddies.json'), JSON.stringify({ schemaVersion: 1, buddies: [bob, bob] }));
    const store = new BuddyStore(dir);
    expect(await store.load()).toMatchObject({ kind: 'set-aside', reason: expect.stringContaining('listed twice') });
    expect(store.buddies).toEqual([]);
  });
});

describe('buddy store: availability alerts (schema 2)', () => {
  it('given a schema 1 file, when loaded, then every buddy is kept without an alert; the next change writes schema 2', async () => {
    const carol = { aor: 'sip:carol@example.com', displayName: 'Carol', group: '' };
    await writeFile(path.join(dir, 'buddies.json'), JSON.stringify({ schemaVersion: 1, buddies: [bob, carol] }));
    const store = new BuddyStore(dir);
    expect((await store.load()).kind).toBe('loaded');
    expect(store.buddies).toEqual([bob, carol]);
    await store.setAlert(bob.aor, 'once');
    const written = JSON.parse(await readFile(store.path, 'utf8'));
    expect(written).toEqual({ schemaVersion: 2, buddies: [{ ...bob, alert: 'once' }, carol] });
  });

  it('given an alert set, when the buddy is edited and the folder loaded again, then the alert is kept; off removes it', async () => {
    const store = new BuddyStore(dir);
    await store.load();
    await store.add(bob);
    await store.setAlert(bob.aor, 'every-time');
    await store.update(bob.aor, { ...bob, displayName: 'Robert' });
    const again = new BuddyStore(dir);
    await again.load();
    expect(again.buddies).toEqual([{ ...bob, displayName: 'Robert', alert: 'every-time' }]);
    await again.setAlert(bob.aor, 'off');
    expect(again.buddies).toEqual([{ ...bob, displayName: 'Robert' }]);
    await expect(again.setAlert('sip:nobody@example.com', 'once')).rejects.toThrow(/not in your buddy list/);
  });

  it('given a hand-edited alert that is not one of ours, then the file is set aside, not read wrongly', async () => {
    await writeFile(path.join(dir, 'buddies.json'), JSON.stringify({ schemaVersion: 2, buddies: [{ ...bob, alert: 'always' }] }));
    expect((await new BuddyStore(dir).load()).kind).toBe('set-aside');
  });
});
