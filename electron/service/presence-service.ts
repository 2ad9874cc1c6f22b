/**
 * The main-process core behind `window.presence`: it owns the app's state and answers the renderer's
 * requests. It runs under plain Node (no `electron` import), so the Electron shell, the browser test
 * harness and the command line all drive the same object.
 *
 * This is the foundation's version: identity, the ready handshake and user notices. Accounts, the SIP
 * engine, buddies and the trace attach here as they are built.
 */
import type { AppInfo, AppSnapshot, NoticeLevel, RuntimeKind } from '../../shared/ipc/contract';
import { APP_NAME, APP_VERSION } from '../app-identity';
import { EventOutbox, type EventSink } from '../ipc/event-outbox';

/** What the host process knows about itself. */
export interface HostInfo {
  readonly runtime: RuntimeKind;
  readonly platform: string;
  readonly versions: AppInfo['versions'];
}

/** Host info for plain Node (tests, command line). */
export function nodeHostInfo(): HostInfo {
  return {
    runtime: 'node',
    platform: process.platform,
    versions: { node: process.versions.node, electron: null, chrome: null },
  };
}

export class PresenceService {
  /** Events for the renderer, held until it is ready. */
  readonly outbox = new EventOutbox();
  private rendererSink: EventSink | null = null;
  private readonly startedAt: number;

  constructor(
    private readonly host: HostInfo,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** A renderer (window or test page) exists and will call `rendererReady` once it listens. */
  connectRenderer(sink: EventSink): void {
    this.outbox.detach();
    this.rendererSink = sink;
  }

  /** The renderer went away; events queue until the next one is ready. */
  disconnectRenderer(): void {
    this.outbox.detach();
    this.rendererSink = null;
  }

  getAppInfo(): AppInfo {
    return { name: APP_NAME, version: APP_VERSION, ...this.host };
  }

  /**
   * Answers the ready handshake with a snapshot. Queued events are delivered on the next turn of the
   * event loop, after this reply has gone out, so the renderer applies the snapshot before them.
   */
  rendererReady(): AppSnapshot {
    const sink = this.rendererSink;
    if (sink) setImmediate(() => this.rendererSink === sink && this.outbox.attach(sink));
    return { info: this.getAppInfo(), startedAt: this.startedAt };
  }

  /** Tells the user something through the window's notice area. */
  notify(level: NoticeLevel, text: string): void {
    this.outbox.emit('onNotice', { level, text, at: this.now() });
  }
}
