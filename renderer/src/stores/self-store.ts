/**
 * Our own presence: the status and note chosen, the publication carrying them (did the server accept
 * it, and if not why), and the recent notes. `statusChosen` sends the choice to main and holds it as
 * `pending` until the server has answered, so the picker can say "Publishing…".
 */
import { create } from 'zustand';
import { errorMessage } from '../../../shared/error-message';
import type { AppSnapshot, SelfPresence } from '../../../shared/ipc/contract';
import type { ChosenStatus } from '../../../shared/presence/presence-status';
import { presenceApi } from '../presence-api';

interface SelfState {
  readonly self: SelfPresence;
  /** A choice sent to main whose outcome has not come back yet. */
  readonly pending: { readonly status: ChosenStatus; readonly note: string } | null;
  /** Why the last request failed before reaching the server (main refused it), else null. */
  readonly requestError: string | null;
  readonly actions: {
    snapshotReceived(snapshot: AppSnapshot): void;
    selfPresenceChanged(self: SelfPresence): void;
    /** Publishes a status and note, ending at `until` (ms since the epoch; absent: until changed); resolves with the outcome (never rejects). */
    statusChosen(status: ChosenStatus, note: string, until?: number): Promise<SelfPresence | null>;
    recentNoteForgotten(note: string): Promise<void>;
  };
}

export const INITIAL_SELF: SelfPresence = { status: 'available', note: '', publication: { phase: 'idle' }, recentNotes: [] };

export const useSelfStore = create<SelfState>()((set) => ({
  self: INITIAL_SELF,
  pending: null,
  requestError: null,
  actions: {
    snapshotReceived: (snapshot) => set({ self: snapshot.self }),
    selfPresenceChanged: (self) => set({ self }),
    async statusChosen(status, note, until) {
      set({ pending: { status, note }, requestError: null });
      try {
        const self = await presenceApi().setStatus(until === undefined ? { status, note } : { status, note, until });
        set({ self, pending: null });
        return self;
      } catch (error) {
        set({ pending: null, requestError: errorMessage(error) });
        return null;
      }
    },
    async recentNoteForgotten(note) {
      try {
        set({ self: await presenceApi().forgetRecentNote(note) });
      } catch (error) {
        set({ requestError: errorMessage(error) });
      }
    },
  },
}));
