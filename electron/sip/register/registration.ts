/**
 * Registration of our Contact with the registrar (RFC 3261 §10.2), on sip.js's core: digest
 * authentication (401/407) is answered by the core's UAC; we add what sip.js's `Registerer` gets wrong
 * or leaves out — a validated `Min-Expires` on 423 (§10.2.8), one REGISTER at a time, an awaitable result
 * per attempt, refresh before expiry, and a new request (with the current Via and Contact) after every
 * reconnection. The same Call-ID is kept for the life of the registration and CSeq increases (§10.2.4).
 *
 *   unregistered ──register()──► registering ──2xx──► registered ──refresh timer──► registering …
 *        ▲                           │ 423 → again with Min-Expires (at most 3 times)
 *        │                           └─ other failure ──► failed (the result says why)
 *        └──── unregister(): REGISTER with Expires: 0, bounded by a timeout ◄──── registered
 *
 * A failed refresh is reported through `onRefreshFailed`; the client decides whether that means the
 * connection is gone.
 */
import type { URI } from 'sip.js/lib/grammar/index.js';
import type { IncomingResponse } from 'sip.js/lib/core/index.js';
import { errorMessage } from '../../../shared/error-message';
import type { SipProblem } from '../../../shared/presence/presence-state';
import { waitAtMost } from '../../deadline';
import { problemFromResponse, responseOrigin, unusableIntervalProblem, type ResponseOrigin } from '../sip-problem';
import type { SipStack } from '../sip-stack';
import { decideIntervalTooBrief, readGrantedExpires, refreshDelayMs } from '../usage/refresh-policy';

export type RegistrationPhase = 'unregistered' | 'registering' | 'registered' | 'failed';

export type RegistrationResult =
  | { readonly ok: true; readonly expires: number; readonly expiresAt: number }
  | { readonly ok: false; readonly problem: SipProblem; readonly origin: ResponseOrigin };

export interface RegistrationOptions {
  readonly aor: URI;
  /** Request-URI of REGISTER: the registrar's domain (§10.2). */
  readonly registrar: URI;
  readonly expires: number;
  readonly t1: number;
  readonly hasPassword: boolean;
  /** Called when a scheduled refresh fails. */
  readonly onRefreshFailed: (result: Extract<RegistrationResult, { ok: false }>) => void;
  /** Called after every change of phase. */
  readonly onChange: () => void;
}

export class Registration {
  private phaseValue: RegistrationPhase = 'unregistered';
  private expiresAtValue: number | undefined;
  private readonly callId: string;
  private readonly fromTag: string;
  private cseq = 0;
  private expires: number;
  private refreshTimer: NodeJS.Timeout | undefined;
  private inFlight: Promise<RegistrationResult> | undefined;
  private isStopped = false;
  /** Incremented by reset(): results of requests sent before it no longer change anything. */
  private epoch = 0;

  constructor(
    private readonly stack: SipStack,
    private readonly options: RegistrationOptions,
  ) {
    this.expires = options.expires;
    const template = stack.makeRequest('REGISTER', options.registrar, options.aor, options.aor, []);
    this.callId = template.callId;
    this.fromTag = template.fromTag;
  }

  get phase(): RegistrationPhase {
    return this.phaseValue;
  }

  /** When the binding expires unless refreshed (ms since the epoch), while registered. */
  get expiresAt(): number | undefined {
    return this.expiresAtValue;
  }

  /** Registers (or refreshes); concurrent calls share one attempt. */
  register(): Promise<RegistrationResult> {
    if (this.inFlight) return this.inFlight;
    this.isStopped = false;
    this.clearRefresh();
    this.setPhase('registering');
    const epoch = this.epoch;
    const attempt = this.attempt(this.expires, 0)
      .catch((error: unknown): RegistrationResult => ({
        // sip.js refused to build or send the request: report it like any failure, never reject.
        ok: false,
        origin: 'transport',
        problem: { message: `Registration failed: ${errorMessage(error)}`, cause: 'connection-lost' },
      }))
      .then((result) => {
        if (epoch !== this.epoch) return result;
        this.inFlight = undefined;
        if (this.isStopped) return result;
        if (result.ok) {
          this.expiresAtValue = result.expiresAt;
          this.setPhase('registered');
          this.scheduleRefresh(result.expires);
        } else {
          this.expiresAtValue = undefined;
          this.setPhase('failed');
        }
        return result;
      });
    this.inFlight = attempt;
    return attempt;
  }

  /** Removes our binding (Expires: 0); resolves when answered, failed, or after `timeoutMs`. */
  async unregister(timeoutMs: number): Promise<void> {
    this.isStopped = true;
    this.clearRefresh();
    const wasRegistered = this.phaseValue === 'registered' || this.inFlight !== undefined;
    this.expiresAtValue = undefined;
    this.setPhase('unregistered');
    if (!wasRegistered || !this.stack.currentConnection) return;
    await waitAtMost(this.send(0), timeoutMs);
  }

  /** Forgets the binding without sending anything (the connection is gone). */
  reset(): void {
    this.epoch += 1;
    this.inFlight = undefined;
    this.clearRefresh();
    this.expiresAtValue = undefined;
    if (this.phaseValue !== 'unregistered') this.setPhase('unregistered');
  }

  private async attempt(expires: number, retries423: number): Promise<RegistrationResult> {
    const response = await this.send(expires);
    const message = response.message;
    const code = message.statusCode ?? 0;
    if (code >= 200 && code < 300) {
      const granted = this.grantedExpires(response) ?? expires;
      return { ok: true, expires: granted, expiresAt: Date.now() + granted * 1000 };
    }
    if (code === 423) {
      const minExpires = message.getHeader('min-expires');
      const verdict = decideIntervalTooBrief(minExpires, expires, retries423);
      if (verdict.kind === 'retry') {
        this.expires = verdict.expires;
        return this.attempt(verdict.expires, retries423 + 1);
      }
      if (verdict.kind === 'unusable') return { ok: false, origin: 'server', problem: unusableIntervalProblem('Registration', minExpires) };
    }
    return { ok: false, origin: responseOrigin(message), problem: problemFromResponse('Registration', message, this.options.hasPassword) };
  }

  /** Sends one REGISTER (and its authenticated retry, inside sip.js) and resolves with the final response. */
  private send(expires: number): Promise<IncomingResponse> {
    this.cseq += 1;
    const request = this.stack.makeRequest(
      'REGISTER',
      this.options.registrar,
      this.options.aor,
      this.options.aor,
      [`Contact: ${this.stack.contactHeader()};expires=${expires}`, `Expires: ${expires}`, 'Allow: ACK, BYE, CANCEL, NOTIFY, OPTIONS'],
      undefined,
      { callId: this.callId, cseq: this.cseq, fromTag: this.fromTag },
    );
    return new Promise((resolve) => {
      const done = (response: IncomingResponse) => {
        // The core bumps CSeq when it answers a challenge; continue from there.
        this.cseq = Math.max(this.cseq, request.cseq);
        resolve(response);
      };
      this.stack.core.register(request, { onAccept: done, onReject: done, onRedirect: done });
    });
  }

  /** The expiry the registrar granted our Contact (its `expires` parameter, else Expires). */
  private grantedExpires(response: IncomingResponse): number | undefined {
    const message = response.message;
    const ours = this.stack.contact.uri.user;
    const count = message.getHeaders('contact').length;
    for (let i = 0; i < count; i++) {
      const contact = message.parseHeader('contact', i) as { uri?: URI; getParam?: (name: string) => string | undefined } | undefined;
      if (contact !== undefined && contact.uri?.user === ours && contact.getParam) {
        const value = readGrantedExpires(contact.getParam('expires'));
        if (value !== undefined) return value;
      }
    }
    return readGrantedExpires(message.getHeader('expires'));
  }

  private scheduleRefresh(expires: number): void {
    this.clearRefresh();
    const epoch = this.epoch;
    this.refreshTimer = setTimeout(
      () => {
        this.refreshTimer = undefined;
        void this.register().then((result) => {
          if (!result.ok && !this.isStopped && epoch === this.epoch) this.options.onRefreshFailed(result);
        });
      },
      refreshDelayMs(expires, this.options.t1),
    );
  }

  private clearRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  private setPhase(phase: RegistrationPhase): void {
    this.phaseValue = phase;
    this.options.onChange();
  }
}
