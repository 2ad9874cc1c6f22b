/**
 * The capture opened in the trace tab (one at a time; opening another replaces it), fed by main's
 * capture events (bridge.ts): what is known of the file, how far loading got, and the capture as a
 * trace source — its own TraceBuffer and view state (trace-view-store.ts), so the pane's components
 * show it exactly as they show the live trace, without mixing the two.
 *
 *   opened ──progress…──► loading ──finished──► complete | damaged (problem: where it stopped) | failed | cancelled
 *
 * Dropped files are uploaded in pieces of MAX_CAPTURE_PIECE_BYTES, each sent once main has read the
 * previous one.
 */
import { create, type StoreApi } from 'zustand';
import { createStore } from 'zustand/vanilla';
import {
  MAX_CAPTURE_PIECE_BYTES,
  type CaptureFinished,
  type CaptureOpened,
  type CaptureOpenRequest,
  type CaptureProgress,
  type TraceExportRequest,
} from '../../../shared/ipc/contract';
import { errorMessage } from '../../../shared/error-message';
import { TraceBuffer } from '../../../shared/trace/trace-buffer';
import { presenceApi } from '../presence-api';
import { CAPTURE_CAPACITY, CAPTURE_MAX_CHARS } from './capture-limits';
import { useUiStore } from '../stores/ui-store';
import { traceViewState, type TraceEntriesState, type TraceSource, type TraceViewState } from './trace-view-store';

/** How far loading got. */
export type CaptureStatus = 'loading' | CaptureFinished['outcome'];

/** The open capture, as the capture view shows it. */
export interface CaptureView extends CaptureOpened {
  readonly bytesRead: number;
  readonly status: CaptureStatus;
  /** Where a damaged file stopped being readable, or why it could not be opened. */
  readonly problem: string | null;
  readonly source: CaptureSource;
}

/** A capture as a trace source; its entries store is written here, as main's events arrive. */
export interface CaptureSource extends TraceSource {
  readonly entries: StoreApi<TraceEntriesState>;
}

interface CaptureState {
  readonly capture: CaptureView | null;
  /** The trace tab shows the capture (true) or the live trace. */
  readonly isCaptureShown: boolean;
  /** Why the last open failed before loading began (not a file, no access), or null. */
  readonly openError: string | null;
  readonly actions: {
    /** Asks main to open `request` (a path, the dialog when the path is null). */
    openRequested(request: Extract<CaptureOpenRequest, { kind: 'path' }>): Promise<void>;
    /** Uploads a dropped file (both in the desktop app and the web mode: the page has its bytes). */
    fileDropped(file: Blob & { readonly name: string }): Promise<void>;
    cancelRequested(): void;
    closed(): void;
    /** The user picked the live trace (false) or the capture (true) in the trace tab. */
    captureShown(isShown: boolean): void;
    progressed(progress: CaptureProgress): void;
    finished(finished: CaptureFinished): void;
  };
}

/** A fresh source for capture `id`: its own buffer and view state; its exports are of the capture's file. */
function captureSource(id: number): CaptureSource {
  const buffer = new TraceBuffer(CAPTURE_CAPACITY, CAPTURE_MAX_CHARS);
  const entries = createStore<TraceEntriesState>()((set) => ({
    buffer,
    version: 0,
    lastSeq: 0,
    clearedThroughSeq: 0,
    actions: {
      traceCleared: () => {
        buffer.clear();
        set((s) => ({ version: s.version + 1, clearedThroughSeq: s.lastSeq }));
      },
    },
  }));
  const exportCapture = (request: TraceExportRequest) => presenceApi().exportTrace({ ...request, capture: id });
  return { entries, view: createStore<TraceViewState>()(traceViewState(exportCapture)) };
}

function base64Of(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export const useCaptureStore = create<CaptureState>()((set, get) => {
  /** Shows capture `capture` (once: its open answer and its first event may come in either order). */
  const opened = (capture: CaptureOpened) => {
    const previous = get().capture;
    if (previous?.id === capture.id) return;
    if (previous?.status === 'loading') void presenceApi().cancelCapture({ id: previous.id });
    set({
      capture: { ...capture, bytesRead: 0, status: 'loading', problem: null, source: captureSource(capture.id) },
      isCaptureShown: true,
      openError: null,
    });
    useUiStore.getState().actions.tabSelected('trace');
  };
  /** The open capture when it is `id`'s (events of a replaced capture are ignored). */
  const current = (id: number) => {
    const capture = get().capture;
    return capture?.id === id ? capture : null;
  };
  return {
    capture: null,
    isCaptureShown: false,
    openError: null,
    actions: {
      captureShown: (isShown) => set({ isCaptureShown: isShown }),
      openRequested: async (request) => {
        try {
          const capture = await presenceApi().openCapture(request);
          if (capture) opened(capture);
        } catch (error) {
          set({ openError: errorMessage(error) });
        }
      },
      fileDropped: async (file) => {
        try {
          const capture = await presenceApi().openCapture({ kind: 'upload', name: file.name, totalBytes: file.size });
          if (!capture) return;
          opened(capture);
          for (let at = 0; at < file.size || at === 0; at += MAX_CAPTURE_PIECE_BYTES) {
            if (current(capture.id)?.status !== 'loading') return;
            const piece = new Uint8Array(await file.slice(at, at + MAX_CAPTURE_PIECE_BYTES).arrayBuffer());
            await presenceApi().sendCaptureBytes({
              id: capture.id,
              data: base64Of(piece),
              isLast: at + MAX_CAPTURE_PIECE_BYTES >= file.size,
            });
          }
        } catch (error) {
          set({ openError: errorMessage(error) });
        }
      },
      cancelRequested: () => {
        const capture = get().capture;
        if (capture?.status === 'loading') void presenceApi().cancelCapture({ id: capture.id });
      },
      closed: () => {
        get().actions.cancelRequested();
        set({ capture: null, isCaptureShown: false, openError: null });
      },
      progressed: ({ id, name, bytesRead, totalBytes, entries }) => {
        // A capture opened from the app menu: its first event is the first the page hears of it.
        if ((get().capture?.id ?? 0) < id) opened({ id, name, totalBytes });
        const capture = current(id);
        if (!capture) return;
        const store = capture.source.entries;
        const { buffer } = store.getState();
        if (buffer.append(entries) > 0) store.setState((s) => ({ version: s.version + 1, lastSeq: buffer.lastSeq }));
        set({ capture: { ...capture, bytesRead } });
      },
      finished: ({ id, outcome, problem }) => {
        const capture = current(id);
        if (capture) set({ capture: { ...capture, status: outcome, problem } });
      },
    },
  };
});
