/**
 * The IPC contract between the renderer and the main process: every request (renderer → main,
 * answered with a promise) and every event (main → renderer), with a runtime validator for each
 * payload the renderer sends.
 *
 * This is the only place channels are named. The preload bridge (electron/shell/preload.ts), the
 * main-side router (electron/ipc/request-router.ts) and the browser test harness all derive from
 * these tables, so adding a channel here is the first step of adding a feature (see ARCHITECTURE.md).
 *
 * No Electron, Node or React imports here: both processes import this module.
 */
import * as v from '../validation';
import type { Validator } from '../validation';

// ── Data that crosses the boundary ────────────────────────────────────────────────────────────────

/** Which host runs the main-process core: Electron, or plain Node (tests, command line). */
export type RuntimeKind = 'electron' | 'node';

/** Identity and versions of the running app, shown in the window's footer and the About box. */
export interface AppInfo {
  readonly name: string;
  readonly version: string;
  readonly runtime: RuntimeKind;
  readonly platform: string;
  readonly versions: { readonly node: string; readonly electron: string | null; readonly chrome: string | null };
}

/** What the renderer needs to draw its first frame, returned by the ready handshake. */
export interface AppSnapshot {
  readonly info: AppInfo;
  /** Milliseconds since the epoch when the main-process core started. */
  readonly startedAt: number;
}

/** Severity of a notice from the main process. */
export type NoticeLevel = 'info' | 'warning' | 'error';

/** A message from the main process meant for the user (for example, a settings file that was set aside). */
export interface Notice {
  readonly level: NoticeLevel;
  readonly text: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

/** Function returned by every `on…` subscription; calling it removes the listener. */
export type Unsubscribe = () => void;

// ── The API the renderer sees as `window.presence` ────────────────────────────────────────────────

/** Requests: renderer → main, each answered by a promise. Every method takes at most one argument. */
export interface PresenceRequests {
  /** Name, version and runtime of the app. */
  getAppInfo(): Promise<AppInfo>;
  /**
   * The ready handshake: the renderer calls this once its event listeners are attached. Main answers
   * with a snapshot and only then delivers events it had queued while the renderer was loading.
   */
  rendererReady(): Promise<AppSnapshot>;
}

/** Events: main → renderer. Each `on…` method attaches a listener and returns its unsubscribe. */
export interface PresenceEvents {
  /** A notice for the user. */
  onNotice(listener: (notice: Notice) => void): Unsubscribe;
}

/** The whole bridge the renderer uses; the preload (or the test harness) provides it. */
export type PresenceApi = PresenceRequests & PresenceEvents;

export type RequestName = keyof PresenceRequests;
export type EventName = keyof PresenceEvents;
/** The argument of request `M` (`undefined` for requests without one). */
export type RequestPayload<M extends RequestName> = Parameters<PresenceRequests[M]>[0];
/** What request `M` resolves to. */
export type RequestResult<M extends RequestName> = Awaited<ReturnType<PresenceRequests[M]>>;
/** What listeners of event `E` receive. */
export type EventPayload<E extends EventName> = Parameters<Parameters<PresenceEvents[E]>[0]>[0];

/** IPC channel names are `domain:verb-or-noun`, e.g. `presence:set-status`, `trace:batch`. */
export type Channel = `${string}:${string}`;

/** Channel and payload validator of each request. */
export const requestChannels: {
  readonly [M in RequestName]: { readonly channel: Channel; readonly payload: Validator<RequestPayload<M>> };
} = {
  getAppInfo: { channel: 'app:get-info', payload: v.none },
  rendererReady: { channel: 'app:renderer-ready', payload: v.none },
};

/** Channel of each event. Main is trusted, so event payloads are typed but not re-validated. */
export const eventChannels: { readonly [E in EventName]: { readonly channel: Channel } } = {
  onNotice: { channel: 'app:notice' },
};

// ── The envelope every request is answered with ───────────────────────────────────────────────────

/** Why a request failed; `failed` carries a message written for the user. */
export type IpcErrorCode = 'invalid-payload' | 'unknown-channel' | 'forbidden-sender' | 'failed' | 'internal';

/** A request's outcome as it travels over IPC; the renderer-side API unwraps it or throws. */
export type IpcResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: { readonly code: IpcErrorCode; readonly message: string } };
