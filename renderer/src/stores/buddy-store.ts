/**
 * The buddy list: every entry with its presence. The list arrives whole (`onBuddiesChanged`, after an
 * add, edit, remove or a session change) and presence in batches of changed buddies (`onBuddyPresenceBatch`), each
 * applied in one update, so a burst of 5,000 NOTIFYs redraws the list once per batch. Sorting, grouping and search
 * are derived in buddies/buddy-view.ts, not stored. How presence arrives (one list subscription, RFC 4662, or one per
 * buddy) is kept beside it for the connection details.
 */
import { create } from 'zustand';
import { errorMessage } from '../../../shared/error-message';
import type { AppSnapshot } from '../../../shared/ipc/contract';
import type { BuddyAlert, BuddyEntry, BuddyForm } from '../../../shared/buddy/buddy';
import type { PresenceExplanation } from '../../../shared/buddy/explain-presence';
import { PER_BUDDY_FEED, type BuddyListFeed, type BuddyPresence, type PresenceChange } from '../../../shared/presence/presence-state';
import { presenceApi } from '../presence-api';
import type { RequestOutcome } from './session-store';

const failure = (error: unknown): RequestOutcome => ({ ok: false, message: errorMessage(error) });

interface BuddyState {
  readonly buddies: readonly BuddyEntry[];
  /** How presence reaches the list: one list subscription or one per buddy (the rows look the same either way). */
  readonly feed: BuddyListFeed;
  readonly actions: {
    snapshotReceived(snapshot: AppSnapshot): void;
    buddiesChanged(buddies: readonly BuddyEntry[]): void;
    buddyFeedChanged(feed: BuddyListFeed): void;
    /** Applies a batch of presence changes in one update; changes for AORs not in the list are ignored. */
    buddyPresenceBatchReceived(batch: readonly BuddyPresence[]): void;
    /** Adds a buddy (`editing` null) or changes the buddy at `editing`; main checks the form again. */
    buddySaveRequested(editing: string | null, form: BuddyForm): Promise<RequestOutcome>;
    buddyRemoveRequested(aor: string): Promise<RequestOutcome>;
    /** Asks main why the buddy shows what it shows; rejects with a message for the user. */
    explanationRequested(aor: string): Promise<PresenceExplanation>;
    /** Sets the buddy's "tell me when available" alert; the list that comes back shows it. */
    alertChangeRequested(aor: string, alert: BuddyAlert): Promise<RequestOutcome>;
    /** Asks main for the buddy's recent presence changes, oldest first; rejects with a message for the user. */
    historyRequested(aor: string): Promise<readonly PresenceChange[]>;
  };
}

export const useBuddyStore = create<BuddyState>()((set) => ({
  buddies: [],
  feed: PER_BUDDY_FEED,
  actions: {
    snapshotReceived: (snapshot) => set({ buddies: snapshot.buddies, feed: snapshot.buddyFeed }),
    buddiesChanged: (buddies) => set({ buddies }),
    buddyFeedChanged: (feed) => set({ feed }),
    buddyPresenceBatchReceived: (batch) =>
      set((state) => {
        const changed = new Map(batch.map((presence) => [presence.aor, presence]));
        let isAnyListed = false;
        const buddies = state.buddies.map((b) => {
          const presence = changed.get(b.aor);
          if (!presence) return b;
          isAnyListed = true;
          return { ...b, presence };
        });
        return isAnyListed ? { buddies } : state;
      }),
    async buddySaveRequested(editing, form) {
      try {
        if (editing === null) await presenceApi().addBuddy(form);
        else await presenceApi().updateBuddy({ aor: editing, buddy: form });
        return { ok: true };
      } catch (error) {
        return failure(error);
      }
    },
    async buddyRemoveRequested(aor) {
      try {
        await presenceApi().removeBuddy({ aor });
        return { ok: true };
      } catch (error) {
        return failure(error);
      }
    },
    explanationRequested: (aor) => presenceApi().explainBuddy({ aor }),
    async alertChangeRequested(aor, alert) {
      try {
        await presenceApi().setBuddyAlert({ aor, alert });
        // Main has saved it; its list of buddies follows on another channel and may come after this answer,
        // so the saved alert is shown now rather than the old one flashing back until then.
        set((state) => ({ buddies: state.buddies.map((b) => (b.aor === aor ? { ...b, alert } : b)) }));
        return { ok: true };
      } catch (error) {
        return failure(error);
      }
    },
    historyRequested: (aor) => presenceApi().buddyHistory({ aor }),
  },
}));
