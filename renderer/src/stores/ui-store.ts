/** What the window shows right now: the active tab, the open dialog, whether the demo line was closed. Renderer-only state. */
import { create } from 'zustand';
import { assertNever } from '../../../shared/assert-never';
import type { FocusTarget } from '../../../shared/ipc/contract';

export type MainTab = 'buddies' | 'watchers' | 'trace';

/** At most one dialog at a time. `buddy` with an AOR edits that buddy; without, adds one. */
export type OpenDialog =
  { readonly kind: 'status' } | { readonly kind: 'settings' } | { readonly kind: 'buddy'; readonly editing: string | null } | null;

interface UiState {
  readonly tab: MainTab;
  readonly dialog: OpenDialog;
  /** The user closed the demo's one-line banner (for this run of the window). */
  readonly isDemoBannerDismissed: boolean;
  readonly actions: {
    demoBannerDismissed(): void;
    tabSelected(tab: MainTab): void;
    dialogOpened(dialog: NonNullable<OpenDialog>): void;
    dialogClosed(): void;
    /** Main asked to show a screen (the tray's "Set a note…", a notification's click) or a buddy. */
    focusRequested(target: FocusTarget): void;
  };
}

export const useUiStore = create<UiState>()((set) => ({
  tab: 'buddies',
  dialog: null,
  isDemoBannerDismissed: false,
  actions: {
    demoBannerDismissed: () => set({ isDemoBannerDismissed: true }),
    tabSelected: (tab) => set({ tab }),
    dialogOpened: (dialog) => set({ dialog }),
    dialogClosed: () => set({ dialog: null }),
    focusRequested(target) {
      if (target.kind === 'buddy') return set({ tab: 'buddies', dialog: null });
      switch (target.screen) {
        case 'main':
          return set({ dialog: null });
        case 'status-picker':
          return set({ dialog: { kind: 'status' } });
        case 'settings':
          return set({ dialog: { kind: 'settings' } });
        default:
          return assertNever(target.screen);
      }
    },
  },
}));
