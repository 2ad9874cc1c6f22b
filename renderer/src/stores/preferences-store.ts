/**
 * The desktop preferences (keep running in the tray when the window is closed). Fed by the snapshot and
 * `onPreferencesChanged`; the settings dialog reads and changes them.
 */
import { create } from 'zustand';
import type { AppSnapshot, DesktopPreferences } from '../../../shared/ipc/contract';
import { presenceApi } from '../presence-api';
import { errorMessage } from '../../../shared/error-message';
import type { RequestOutcome } from './session-store';

interface PreferencesState {
  readonly preferences: DesktopPreferences;
  readonly actions: {
    snapshotReceived(snapshot: AppSnapshot): void;
    preferencesChanged(preferences: DesktopPreferences): void;
    /** Saves a changed preference at once (it needs no reconnect, unlike the account). */
    preferencesChosen(preferences: DesktopPreferences): Promise<RequestOutcome>;
  };
}

export const usePreferencesStore = create<PreferencesState>()((set) => ({
  preferences: { keepRunningInTray: true },
  actions: {
    snapshotReceived: (snapshot) => set({ preferences: snapshot.preferences }),
    preferencesChanged: (preferences) => set({ preferences }),
    async preferencesChosen(preferences) {
      try {
        set({ preferences: await presenceApi().setPreferences(preferences) });
        return { ok: true };
      } catch (error) {
        return { ok: false, message: errorMessage(error) };
      }
    },
  },
}));
