/**
 * Our presence publication — the Event Publication Agent of RFC 3903 — on sip.js's core. Replaces
 * sip.js's `Publisher`, which overlaps operations, resolves before the server answers, turns a malformed
 * Min-Expires into `Expires: NaN` and gives up on any 408/5xx (docs/sip-js.md §6).
 *
 * RFC 3903 §4 operations, one at a time (§4.1: a new request for a publication only after the previous
 * one completed — Kamailio races concurrent PUBLISHes with one ETag):
 *
 *   initial  PUBLISH + body, no SIP-If-Match             → 2xx with SIP-ETag, Expires     (§4.2)
 *   refresh  PUBLISH + SIP-If-Match, no body             → 2xx with a (new) SIP-ETag      (§4.3)
 *   modify   PUBLISH + SIP-If-Match + body               → 2xx with a (new) SIP-ETag      (§4.4)
 *   remove   PUBLISH + SIP-If-Match, Expires: 0, no body → 2xx                            (§4.5)
 *
 * Answers (§4.1, §6):
 *   412 Conditional Request Failed → forget the ETag, publish afresh with the body (once per operation);
 *   423 Interval Too Brief         → again with Min-Expires, if it is a number larger than what we asked;
 *   408, 5xx, no answer            → retry with exponential back-off and jitter (Retry-After honoured);
 *   489, 501, 404, 405             → stop: the server does not accept presence publications;
 *   other failures                 → report and stop until the user publishes again.
 *
 * PublicationPhase (the one drawing of it):
 *
 *   idle ──publish──► publishing ──2xx──► published ──refresh timer / modify──► publishing …
 *                        │   ▲ 412, 423        │
 *                        │   └─────────────────┘
 *                        ├── 489/501/404/405 ─► unsupported
 *                        └── other failure ───► failed (retryAt set for 408/5xx)
 *   published ──remove──► removing ──2xx/412──► removed
 *
 * Operations wait until the link is up (the first registration succeeded, or we are connected when not
 * registering); while it is down they resolve as failed at once and the wanted state is published when
 * the client calls `resume()` after reconnecting.
 */
import type { URI } from 'sip.js/lib/grammar/index.js';
import type { IncomingResponse } from 'sip.js/lib/core/index.js';
import { errorMessage } from '../../../shared/error-message';
import type { ChosenStatus } from '../../../shared/presence/presence-status';
import type { PublicationState, SipProblem } from '../../../shared/presence/presence-state';
import { buildPidf } from '../../../shared/pidf';
import { problemAsReason, problemFromResponse, responseOrigin, unusableIntervalProblem } from '../sip-problem';
import type { SipStack } from '../sip-stack';
import { decideIntervalTooBrief, readGrantedExpires, readRetryAfter, refreshDelayMs, retryDelayMs } from '../usage/refresh-policy';

export interface PresencePublisherOptions {
  readonly aor: URI;
  readonly expires: number;
  readonly tupleId: string;
  /** The device published with the tuple (RFC 4479 deviceID URN and a name), if the client has one. */
  readonly device?: { readonly id: string; readonly label: string };
  /** The notes' language, sent as their `xml:lang` (e.g. `en-GB`); without it the notes carry none. */
  readonly noteLanguage?: string;
  readonly hasPassword: boolean;
  readonly t1: number;
  readonly retryBase: number;
  readonly retryMax: number;
  readonly random: () => number;
  readonly onChange: (state: PublicationState) => void;
  /** Why the server refuses publications, where its profile tells (appended to the `unsupported` sentence). */
  readonly refusalReason?: () => string | undefined;
}

/** How a status is published besides status and note: an automatic one without the manual mark, a timed one with its end. */
export interface PublishMarks {
  /** False for a status the app set by itself (shared/pidf/build.ts leaves the manual class out). Default true. */
  readonly isManual?: boolean;
  /** When a timed status ends (ms since the epoch), published as RFC 4480 `until`. */
  readonly until?: number;
}

/** The state the user wants published; null means "no publication". */
export interface WantedPresence {
  readonly status: ChosenStatus;
  readonly note: string;
  readonly marks: PublishMarks;
}

type Work = 'publish' | 'refresh' | 'remove';
type LinkState = 'up' | 'pending' | 'down';

const UNSUPPORTED_CODES = new Set([404, 405, 489, 501]);

export class PresencePublisher {
  private stateValue: PublicationState = { phase: 'idle' };
  private wanted: WantedPresence | null = null;
  private etag: string | undefined;
  private expires: number;
  private isDirty = false;
  private isRefreshDue = false;
  private isRunning = false;
  private isDisposed = false;
  private waiters: Array<(state: PublicationState) => void> = [];
  private link: LinkState = 'pending';
  private linkProblem: SipProblem | undefined;
  private linkWaiters: Array<() => void> = [];
  private refreshTimer: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryAttempt = 0;
  private readonly callId: string;
  private cseq = 0;

  constructor(
    private readonly stack: SipStack,
    private readonly options: PresencePublisherOptions,
  ) {
    this.expires = options.expires;
    this.callId = stack.makeRequest('PUBLISH', options.aor, options.aor, options.aor, []).callId;
  }

  get state(): PublicationState {
    return this.stateValue;
  }

  /** What is to be published (status, note, marks), or null when the publication is to be removed. */
  get wantedPresence(): WantedPresence | null {
    return this.wanted;
  }

  /** Publishes (or modifies) our presence; resolves once the server answered or the attempt failed. */
  publish(status: ChosenStatus, note: string, marks: PublishMarks = {}): Promise<PublicationState> {
    this.wanted = { status, note, marks };
    return this.request();
  }

  /** Removes the publication; resolves once the server answered (or there was nothing to remove). */
  remove(): Promise<PublicationState> {
    this.wanted = null;
    return this.request();
  }

  /**
   * The link's state: `up` once registered (or connected without registration), `pending` while
   * connecting, `down` after a failure. Operations wait while pending and fail fast while down.
   */
  setLink(link: LinkState, problem?: SipProblem): void {
    this.link = link;
    this.linkProblem = problem;
    if (link !== 'up') this.clearTimers();
    if (link !== 'pending') for (const wake of this.linkWaiters.splice(0)) wake();
  }

  /** After a reconnection: publish the wanted state again (as a modify; a 412 then starts afresh). */
  resume(): void {
    if (this.stateValue.phase === 'unsupported') return;
    if (this.wanted !== null || this.etag !== undefined) void this.request();
  }

  /** Stops timers and answers every waiting caller; sends nothing. */
  dispose(): void {
    this.isDisposed = true;
    this.clearTimers();
    for (const wake of this.linkWaiters.splice(0)) wake();
    for (const resolve of this.waiters.splice(0)) resolve(this.stateValue);
  }

  private request(): Promise<PublicationState> {
    if (this.isDisposed) return Promise.resolve(this.stateValue);
    if (this.stateValue.phase === 'unsupported') {
      this.update({ ...this.stateValue, ...this.wantedFields() });
      return Promise.resolve(this.stateValue);
    }
    this.isDirty = true;
    this.clearRetry();
    const result = new Promise<PublicationState>((resolve) => this.waiters.push(resolve));
    void this.run();
    return result;
  }

  /** The worker: one operation at a time; later requests coalesce into the next operation. */
  private async run(): Promise<void> {
    if (this.isRunning) return;
    this.isRunning = true;
    try {
      while (!this.isDisposed && (this.isDirty || this.isRefreshDue)) {
        if (this.link === 'pending') await new Promise<void>((resolve) => this.linkWaiters.push(resolve));
        if (this.isDisposed) break;
        if (this.link === 'down') {
          // Keep what the user wants; it is published when the link comes back (resume()).
          const problem = this.linkProblem ?? { message: 'Not connected to the server.' };
          this.update({ ...this.wantedFields(), phase: 'failed', problem: problemAsReason('Not published yet', problem) });
          for (const resolve of this.waiters.splice(0)) resolve(this.stateValue);
          break;
        }
        const waiters = this.waiters.splice(0);
        const work = this.nextWork();
        try {
          if (work !== undefined) await this.execute(work);
        } catch (error) {
          // A bug or a sip.js refusal must not leave callers waiting or escape as an unhandled rejection.
          this.update({ ...this.wantedFields(), phase: 'failed', problem: { message: `Publication failed: ${errorMessage(error)}` } });
        }
        for (const resolve of waiters) resolve(this.stateValue);
      }
    } finally {
      this.isRunning = false;
    }
  }

  private nextWork(): Work | undefined {
    if (this.isDirty) {
      this.isDirty = false;
      this.isRefreshDue = false;
      if (this.wanted !== null) return 'publish';
      if (this.etag !== undefined) return 'remove';
      if (this.stateValue.phase !== 'idle') this.update({ phase: 'removed' });
      return undefined;
    }
    this.isRefreshDue = false;
    return this.etag !== undefined && this.wanted !== null ? 'refresh' : undefined;
  }

  private async execute(work: Work): Promise<void> {
    const wanted = this.wanted;
    this.update({
      ...this.wantedFields(),
      phase: work === 'remove' ? 'removing' : 'publishing',
      ...(this.etag === undefined ? {} : { etag: this.etag }),
    });
    let sendBody = work === 'publish';
    let expires = work === 'remove' ? 0 : this.expires;
    let retried412 = false;
    let retries423 = 0;
    for (;;) {
      const response = await this.send(expires, sendBody && wanted !== null ? wanted : undefined);
      if (this.isDisposed) return;
      const message = response.message;
      const code = message.statusCode ?? 0;
      if (code >= 200 && code < 300) {
        this.retryAttempt = 0;
        if (work === 'remove') {
          this.etag = undefined;
          this.update({ phase: 'removed' });
          return;
        }
        const etag = message.getHeader('sip-etag')?.trim();
        const granted = readGrantedExpires(message.getHeader('expires')) ?? expires;
        // §4.1: without an entity tag we could not refresh; a modify would then have to start afresh.
        this.etag = etag === undefined || etag === '' ? undefined : etag;
        this.scheduleRefresh(granted);
        this.update({
          ...this.wantedFields(),
          phase: 'published',
          ...(this.etag === undefined ? {} : { etag: this.etag }),
          expiresAt: Date.now() + granted * 1000,
        });
        return;
      }
      if (code === 412 && work === 'remove') {
        // The server no longer has it: removed either way.
        this.etag = undefined;
        this.update({ phase: 'removed' });
        return;
      }
      if (code === 412 && !retried412 && wanted !== null) {
        // §4.1/§6: the server does not know our ETag (expired, or it restarted) — publish afresh.
        retried412 = true;
        this.etag = undefined;
        sendBody = true;
        continue;
      }
      const tooBrief =
        code === 423 && work !== 'remove' ? decideIntervalTooBrief(message.getHeader('min-expires'), expires, retries423) : undefined;
      if (tooBrief?.kind === 'retry') {
        retries423 += 1;
        this.expires = tooBrief.expires;
        expires = tooBrief.expires;
        continue;
      }
      if (tooBrief?.kind === 'unusable') {
        this.fail(unusableIntervalProblem('Publication', message.getHeader('min-expires')), false);
        return;
      }
      this.onFailure(response, work);
      return;
    }
  }

  private onFailure(response: IncomingResponse, work: Work): void {
    const message = response.message;
    const code = message.statusCode ?? 0;
    const origin = responseOrigin(message);
    if (origin === 'server' && UNSUPPORTED_CODES.has(code)) {
      const reason = this.options.refusalReason?.();
      this.etag = undefined;
      this.clearTimers();
      this.update({
        ...this.wantedFields(),
        phase: 'unsupported',
        problem: {
          statusCode: code,
          message: `This server does not accept presence publications (${code}${message.reasonPhrase ? ` ${message.reasonPhrase}` : ''})${reason === undefined ? '' : `: ${reason}`}.`,
        },
      });
      return;
    }
    const problem = problemFromResponse(work === 'remove' ? 'Removing the publication' : 'Publication', message, this.options.hasPassword);
    if (origin === 'transport') {
      // The connection went away: resume() publishes again once it is back.
      this.isDirty = true;
      this.fail(problem, false);
      return;
    }
    const retryAfter = readRetryAfter(message.getHeader('retry-after'));
    const isRetriable = origin === 'timeout' || code === 408 || (code >= 500 && code < 600) || retryAfter !== undefined;
    if (work === 'remove' && !isRetriable) {
      this.etag = undefined;
      this.fail(problem, false);
      return;
    }
    this.fail(problem, isRetriable, retryAfter);
  }

  private fail(problem: SipProblem, retry: boolean, retryAfter?: number): void {
    let retryAt: number | undefined;
    if (retry) {
      const delay = retryDelayMs(retryAfter, this.retryAttempt, this.options.retryBase, this.options.retryMax, this.options.random);
      this.retryAttempt += 1;
      retryAt = Date.now() + delay;
      this.clearRetry();
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.isDirty = true;
        void this.run();
      }, delay);
    }
    this.update({
      ...this.wantedFields(),
      phase: 'failed',
      problem,
      ...(this.etag === undefined ? {} : { etag: this.etag }),
      ...(retryAt === undefined ? {} : { retryAt }),
    });
  }

  /** Sends one PUBLISH and resolves with its final response (local 408/503 included). */
  private send(expires: number, body: WantedPresence | undefined): Promise<IncomingResponse> {
    const headers = ['Event: presence', `Expires: ${expires}`];
    if (this.etag !== undefined) headers.push(`SIP-If-Match: ${this.etag}`);
    const aor = this.options.aor.toString();
    const content =
      body === undefined
        ? undefined
        : {
            contentType: 'application/pidf+xml',
            content: buildPidf({
              entity: aor,
              tupleId: this.options.tupleId,
              status: body.status,
              note: body.note,
              contact: this.stack.contact.uri.toString(),
              timestamp: new Date(),
              ...(this.options.device ? { device: this.options.device } : {}),
              ...(this.options.noteLanguage ? { lang: this.options.noteLanguage } : {}),
              ...(body.marks.isManual === false ? { isManual: false } : {}),
              ...(body.marks.until === undefined ? {} : { until: new Date(body.marks.until) }),
            }),
          };
    this.cseq += 1;
    const request = this.stack.makeRequest('PUBLISH', this.options.aor, this.options.aor, this.options.aor, headers, content, {
      callId: this.callId,
      cseq: this.cseq,
    });
    return new Promise((resolve) => {
      const done = (response: IncomingResponse) => {
        this.cseq = Math.max(this.cseq, request.cseq);
        resolve(response);
      };
      this.stack.core.publish(request, { onAccept: done, onReject: done, onRedirect: done });
    });
  }

  private scheduleRefresh(expires: number): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(
      () => {
        this.refreshTimer = undefined;
        // Without an entity tag (a server that sent none) a refresh is impossible: publish afresh instead.
        if (this.etag === undefined) this.isDirty = true;
        else this.isRefreshDue = true;
        void this.run();
      },
      refreshDelayMs(expires, this.options.t1),
    );
  }

  private clearRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private clearTimers(): void {
    this.clearRetry();
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  private wantedFields(): Pick<PublicationState, 'status' | 'note'> {
    return this.wanted === null ? {} : { status: this.wanted.status, note: this.wanted.note };
  }

  private update(state: PublicationState): void {
    this.stateValue = state;
    this.options.onChange(state);
  }
}
