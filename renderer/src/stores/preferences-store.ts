/**
 * The app's preferences (keep running in the tray, start at login, trace to file), as main last reported
 * them. Fed by the snapshot and `onPreferencesChanged`; the settings dialog's Desktop and Advanced
 * sections read and change them.
 */
import { create } from 'zustand';
import { errorMessage } from '../../../shared/error-message';
import { DEFAULT_PREFERENCES, type AppPreferences, type AppSnapshot } from '../../../shared/ipc/contract';
import type { TraceCaptureStatus } from '../../../shared/trace/live-capture-settings';
import { presenceApi } from '../presence-api';
import type { RequestOutcome } from './session-store';

interface PreferencesState {
  readonly preferences: AppPreferences;
  readonly actions: {
    snapshotReceived(snapshot: AppSnapshot): void;
    preferencesChanged(preferences: AppPreferences): void;
    /** Changes the given preferences; main applies them at once. */
    preferencesChangeRequested(change: Partial<AppPreferences>): Promise<RequestOutcome>;
    /** How the live capture and the HEP mirror are doing now (null when main cannot say). */
    traceCaptureStatusRequested(): Promise<TraceCaptureStatus | null>;
  };
}

export const usePreferencesStore = create<PreferencesState>()((set, get) => ({
  preferences: DEFAULT_PREFERENCES,
  actions: {
    snapshotReceived: (snapshot) => set({ preferences: snapshot.preferences }),
    preferencesChanged: (preferences) => set({ preferences }),
    async preferencesChangeRequested(change) {
      // Shown at once (a checkbox must not flip back while main works), put back if main refuses.
      const before = get().preferences;
      set({ preferences: { ...before, ...change } });
      try {
        set({ preferences: await presenceApi().setPreferences(change) });
        return { ok: true };
      } catch (error) {
        set({ preferences: before });
        return { ok: false, message: errorMessage(error) };
      }
    },
    traceCaptureStatusRequested: () =>
      presenceApi()
        .traceCaptureStatus()
        .catch(() => null),
  },
}));
