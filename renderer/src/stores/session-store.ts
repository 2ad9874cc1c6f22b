/**
 * The session (offline demo or the user's account, and the saved account's settings) and the
 * connection to the server, step by step. Fed by the snapshot and by `onSessionChanged` /
 * `onAccountStateChanged`; components read it for the demo banner, the status line and the settings form.
 */
import { create } from 'zustand';
import { errorMessage } from '../../../shared/error-message';
import type { AccountTestResult, AppSnapshot, SessionInfo } from '../../../shared/ipc/contract';
import type { AccountForm } from '../../../shared/account/account-settings';
import type { AccountState } from '../../../shared/presence/presence-state';
import { presenceApi } from '../presence-api';

/** The outcome of a request the user made: done, or the reason main gave. */
export type RequestOutcome = { readonly ok: true } | { readonly ok: false; readonly message: string };

const failure = (error: unknown): { readonly ok: false; readonly message: string } => ({ ok: false, message: errorMessage(error) });

interface SessionState {
  readonly session: SessionInfo;
  readonly accountState: AccountState;
  readonly actions: {
    snapshotReceived(snapshot: AppSnapshot): void;
    sessionChanged(session: SessionInfo): void;
    accountStateChanged(connection: AccountState): void;
    /** Saves the account and connects with it. */
    accountSaveRequested(form: AccountForm): Promise<RequestOutcome>;
    /** Registers once with the form's account without saving it ("Test connection"); a refused form answers as a failed test. */
    accountTestRequested(form: AccountForm): Promise<AccountTestResult>;
    /** Asks main for a CA certificate file in an open dialog: its path, or null when cancelled. */
    caFileRequested(): Promise<{ ok: true; path: string | null } | { ok: false; message: string }>;
    /** Forgets the account and goes back to the offline demo. */
    accountRemoveRequested(): Promise<RequestOutcome>;
    reconnectRequested(): Promise<RequestOutcome>;
  };
}

export const INITIAL_SESSION: SessionInfo = { mode: 'starting', account: null, demo: null, isPasswordStorePersistent: false };

export const useSessionStore = create<SessionState>()((set) => ({
  session: INITIAL_SESSION,
  accountState: { phase: 'idle', server: '' },
  actions: {
    snapshotReceived: (snapshot) => set({ session: snapshot.session, accountState: snapshot.accountState }),
    sessionChanged: (session) => set({ session }),
    accountStateChanged: (accountState) => set({ accountState }),
    async accountSaveRequested(form) {
      try {
        set({ session: await presenceApi().saveAccount(form) });
        return { ok: true };
      } catch (error) {
        return failure(error);
      }
    },
    async accountTestRequested(form) {
      try {
        return await presenceApi().testAccount(form);
      } catch (error) {
        return failure(error);
      }
    },
    async caFileRequested() {
      try {
        return { ok: true, path: await presenceApi().chooseCaFile() };
      } catch (error) {
        return failure(error);
      }
    },
    async accountRemoveRequested() {
      try {
        set({ session: await presenceApi().removeAccount() });
        return { ok: true };
      } catch (error) {
        return failure(error);
      }
    },
    async reconnectRequested() {
      try {
        await presenceApi().reconnect();
        return { ok: true };
      } catch (error) {
        return failure(error);
      }
    },
  },
}));
