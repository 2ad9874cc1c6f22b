/** Which pending watchers the window prompts about, and how a watcher's state reads in "Who can see you". */
import { describe, expect, it } from 'vitest';
import type { WatchersState, WatcherView } from '../../../shared/ipc/contract';
import { INITIAL_WATCHERS, selectPrompted } from '../../../renderer/src/stores/watcher-store';
import { availabilityText, watcherName, watcherStateText } from '../../../renderer/src/watchers/watcher-view';

const ana: WatcherView = { uri: 'sip:ana@example.com', displayName: 'Ana', status: 'pending', event: 'subscribe' };
const bob: WatcherView = { uri: 'sip:bob@example.com', displayName: null, status: 'pending', event: 'subscribe' };
const carol: WatcherView = { uri: 'sip:carol@example.com', displayName: null, status: 'active', event: 'approved' };
const state = (overrides: Partial<WatchersState>): WatchersState => ({ ...INITIAL_WATCHERS, availability: 'listening', ...overrides });

describe('the prompts', () => {
  it('given pending, answered, put off and active watchers, then only the pending ones not yet answered or put off are prompted', () => {
    const watchers = state({ watchers: [ana, bob, carol], rules: [{ uri: bob.uri, handling: 'allow' }] });
    expect(selectPrompted({ watchers, postponed: new Set() })).toEqual([ana]);
    expect(selectPrompted({ watchers, postponed: new Set([ana.uri]) })).toEqual([]);
  });
});

describe('watcher texts', () => {
  it('names a watcher by display name, else by address', () => {
    expect(watcherName(ana)).toBe('Ana');
    expect(watcherName({ uri: bob.uri, displayName: '  ' })).toBe(bob.uri);
  });

  it('says what each state means, the rule standing in while the server has not yet applied it', () => {
    expect(watcherStateText(ana, undefined)).toBe('Asks to see you');
    expect(watcherStateText(ana, { uri: ana.uri, handling: 'block' })).toBe('Blocked');
    expect(watcherStateText(carol, { uri: carol.uri, handling: 'allow' })).toBe('Can see you');
    expect(watcherStateText(carol, { uri: carol.uri, handling: 'polite-block' })).toBe('Sees you as offline');
    expect(watcherStateText({ ...carol, status: 'terminated', event: 'rejected' }, undefined)).toBe('Blocked');
    expect(watcherStateText({ ...carol, status: 'terminated', event: 'timeout' }, undefined)).toBe('No longer watching');
  });

  it('explains an empty list by the availability of watcher information', () => {
    expect(availabilityText(state({}))).toBeNull();
    expect(availabilityText(state({ availability: 'not-offered' }))).toBe('Your server does not tell who asks to see your presence.');
    expect(availabilityText(state({ availability: 'failed', problem: 'Watching failed (503).' }))).toBe('Watching failed (503).');
  });
});
