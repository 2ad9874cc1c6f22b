/**
 * Vitest setup: every zustand store starts each test in its initial state. The renderer's stores
 * (renderer/src/stores/, renderer/src/trace/trace-view-store.ts) are module singletons, so without this
 * whatever one test dispatched would still be there in the next test of the same file.
 *
 * zustand's documented testing pattern: `create` is wrapped so that each store it makes is remembered
 * with a reset, and every reset runs after each test. Unlike the documented version, the reset runs the
 * store's state creator again instead of restoring the first state object: the trace store appends to its
 * TraceBuffer in place, so its first state holds a buffer that is no longer empty.
 *
 * Only modules that import zustand see the wrapper; in the Node-side tests nothing does.
 */
import { afterEach, vi } from 'vitest';
import type * as Zustand from 'zustand';

const { resets } = vi.hoisted(() => ({ resets: new Set<() => void>() }));

vi.mock('zustand', async (importOriginal) => {
  const zustand = await importOriginal<typeof Zustand>();
  const createResettable = <T>(stateCreator: Zustand.StateCreator<T>) => {
    const store = zustand.create(stateCreator);
    resets.add(() => store.setState(stateCreator(store.setState, store.getState, store), true));
    return store;
  };
  // `create(creator)` and the curried `create<State>()(creator)` the stores use.
  const create = (<T>(stateCreator?: Zustand.StateCreator<T>) =>
    stateCreator === undefined ? createResettable : createResettable(stateCreator)) as typeof Zustand.create;
  return { ...zustand, create };
});

afterEach(() => {
  for (const reset of resets) reset();
});
