import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_BUDDIES } from '../../../../shared/buddy/buddy';
import { MAX_CHANGES_PER_BUDDY, PRESENCE_HISTORY_FILE_NAME, PresenceTimeline } from '../../../../electron/service/presence-timeline';
import { ManualScheduler } from '../../../support/manual-scheduler';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'presently-timeline-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function timeline(clock: { now: number }, scheduler = new ManualScheduler(clock)) {
  return { scheduler, store: new PresenceTimeline(dir, { now: () => clock.now, schedule: scheduler.schedule, writeDelayMs: 2_000 }) };
}

describe('presence history', () => {
  it('given changes, then each is kept with its time, repeats are not, and the buddy is found by any spelling of its address', async () => {
    const clock = { now: 1_000 };
    const { store } = timeline(clock);
    await store.load();
    store.record('sip:bob@example.com', 'available', null);
    clock.now = 2_000;
    store.record('sip:bob@example.com', 'available', null);
    store.record('sip:Bob@EXAMPLE.com', 'away', 'Lunch');
    expect(store.changesOf('sip:bob@example.com')).toEqual([
      { at: 1_000, status: 'available', note: null },
      { at: 2_000, status: 'away', note: 'Lunch' },
    ]);
  });

  it('given more than the bound, then only the newest are kept', async () => {
    const clock = { now: 0 };
    const { store } = timeline(clock);
    await store.load();
    for (let i = 0; i < MAX_CHANGES_PER_BUDDY + 7; i++) {
      clock.now = i;
      store.record('sip:bob@example.com', i % 2 === 0 ? 'available' : 'busy', null);
    }
    const changes = store.changesOf('sip:bob@example.com');
    expect(changes).toHaveLength(MAX_CHANGES_PER_BUDDY);
    expect(changes[0]?.at).toBe(7);
  });

  it('given more buddies than a list can hold, then the first recorded goes, and the file still loads', async () => {
    const clock = { now: 0 };
    const { store } = timeline(clock);
    await store.load();
    for (let i = 0; i <= MAX_BUDDIES; i++) store.record(`sip:b${i}@example.com`, 'available', null);
    expect(store.changesOf('sip:b0@example.com')).toEqual([]);
    expect(store.changesOf(`sip:b${MAX_BUDDIES}@example.com`)).toHaveLength(1);
    await store.flush();
    expect((await timeline(clock).store.load()).kind).toBe('loaded');
  });

  it('given a burst of changes, then one write after the delay; a restart reads them back; flush writes at once', async () => {
    const clock = { now: 0 };
    const { store, scheduler } = timeline(clock);
    await store.load();
    store.record('sip:bob@example.com', 'available', null);
    store.record('sip:bob@example.com', 'busy', 'Call');
    expect(scheduler.pending).toBe(1);
    await scheduler.advance(2_000);
    await store.flush();
    const again = timeline(clock).store;
    await again.load();
    expect(again.changesOf('sip:bob@example.com').map((c) => c.status)).toEqual(['available', 'busy']);

    store.record('sip:carol@example.com', 'away', null);
    await store.flush();
    const written = JSON.parse(await readFile(path.join(dir, PRESENCE_HISTORY_FILE_NAME), 'utf8'));
    expect(written.schemaVersion).toBe(1);
    expect(written.buddies.map((b: { aor: string }) => b.aor)).toEqual(['sip:bob@example.com', 'sip:carol@example.com']);
  });

  it('given a damaged file, then it is set aside and the history starts empty', async () => {
    await writeFile(path.join(dir, PRESENCE_HISTORY_FILE_NAME), '{"schemaVersion":1,"buddies":[{"aor":1}]}');
    const { store } = timeline({ now: 0 });
    expect((await store.load()).kind).toBe('set-aside');
    expect(store.changesOf('sip:bob@example.com')).toEqual([]);
  });
});
