/**
 * How the buddy list is drawn: compact (one line per buddy) or comfortable, sorted by availability or by name.
 * Renderer-only choices about this window's layout, so they are kept in the page's local storage rather than
 * in main's preferences; they survive a restart.
 */
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

/** `compact`: one line per buddy; `comfortable`: address and last change on their own lines. */
export type ListDensity = 'compact' | 'comfortable';

/** `availability`: the most reachable first (then by name); `name`: alphabetical. */
export type ListSort = 'availability' | 'name';

interface ListPreferencesState {
  readonly density: ListDensity;
  readonly sort: ListSort;
  readonly actions: {
    densityChosen(density: ListDensity): void;
    sortChosen(sort: ListSort): void;
  };
}

/** The local-storage key the list preferences are saved under. */
const LIST_PREFERENCES_KEY = 'presently.list-preferences';

export const useListPreferencesStore = create<ListPreferencesState>()(
  persist(
    (set) => ({
      density: 'compact',
      sort: 'availability',
      actions: {
        densityChosen: (density) => set({ density }),
        sortChosen: (sort) => set({ sort }),
      },
    }),
    {
      name: LIST_PREFERENCES_KEY,
      storage: createJSONStorage(() => localStorage),
      partialize: ({ density, sort }) => ({ density, sort }),
    },
  ),
);
