/** What the window shows right now: the active tab and the open dialog. Renderer-only state. */
import { create } from 'zustand';

export type MainTab = 'buddies' | 'trace';

/** At most one dialog at a time. `buddy` with an AOR edits that buddy; without, adds one. */
export type OpenDialog =
  | { readonly kind: 'status' }
  | { readonly kind: 'settings' }
  | { readonly kind: 'buddy'; readonly editing: string | null }
  | null;

interface UiState {
  readonly tab: MainTab;
  readonly dialog: OpenDialog;
  readonly actions: {
    tabSelected(tab: MainTab): void;
    dialogOpened(dialog: NonNullable<OpenDialog>): void;
    dialogClosed(): void;
  };
}

export const useUiStore = create<UiState>()((set) => ({
  tab: 'buddies',
  dialog: null,
  actions: {
    tabSelected: (tab) => set({ tab }),
    dialogOpened: (dialog) => set({ dialog }),
    dialogClosed: () => set({ dialog: null }),
  },
}));
