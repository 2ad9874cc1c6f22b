/**
 * Who watches us ("Who can see you"): the watchers the server reports, our rules, and the prompts for pending
 * watchers. `decisionRequested` sends Allow or Block to main and holds the watcher as `deciding` until it answers;
 * a prompt the user puts off ("Later") stays off until the watcher asks again after an answer.
 */
import { create } from 'zustand';
import { errorMessage } from '../../../shared/error-message';
import type { AppSnapshot, WatcherDecision, WatchersState } from '../../../shared/ipc/contract';
import { presenceApi } from '../presence-api';

interface WatcherStoreState {
  readonly watchers: WatchersState;
  /** Pending watchers whose prompt the user put off, by address. */
  readonly postponed: ReadonlySet<string>;
  /** The watcher whose answer is on its way to the server. */
  readonly deciding: string | null;
  /** Why the last answer could not be written, with whom it was for. */
  readonly failure: { readonly uri: string; readonly message: string } | null;
  readonly actions: {
    snapshotReceived(snapshot: AppSnapshot): void;
    watchersChanged(watchers: WatchersState): void;
    /** Allows or blocks a watcher; resolves when main has answered (never rejects). */
    decisionRequested(uri: string, decision: WatcherDecision): Promise<void>;
    /** Hides a pending watcher's prompt for now (the list still offers the answer). */
    promptPostponed(uri: string): void;
  };
}

/** Nothing known: no session yet. */
export const INITIAL_WATCHERS: WatchersState = {
  availability: 'off',
  problem: null,
  watchers: [],
  canDecide: false,
  rules: [],
  rulesProblem: null,
};

export const useWatcherStore = create<WatcherStoreState>()((set) => ({
  watchers: INITIAL_WATCHERS,
  postponed: new Set(),
  deciding: null,
  failure: null,
  actions: {
    snapshotReceived: (snapshot) => set({ watchers: snapshot.watchers }),
    watchersChanged: (watchers) => set({ watchers }),
    async decisionRequested(uri, decision) {
      set({ deciding: uri, failure: null });
      try {
        const watchers = await presenceApi().decideWatcher({ uri, decision });
        set({ watchers, deciding: null });
      } catch (error) {
        set({ deciding: null, failure: { uri, message: errorMessage(error) } });
      }
    },
    promptPostponed: (uri) => set((state) => ({ postponed: new Set([...state.postponed, uri]) })),
  },
}));

/** Pending watchers to prompt about: pending, not answered in our rules yet, not put off. */
export function selectPrompted(state: Pick<WatcherStoreState, 'watchers' | 'postponed'>): WatchersState['watchers'] {
  const answered = new Set(state.watchers.rules.map((rule) => rule.uri));
  return state.watchers.watchers.filter((w) => w.status === 'pending' && !answered.has(w.uri) && !state.postponed.has(w.uri));
}
