/**
 * A minimal registrar — RFC 3261 §10.3 (processing REGISTER requests) without authentication: bindings of
 * an AOR to contact URIs with an expiry, `Contact: *` with `Expires: 0` to remove them all, Call-ID/CSeq
 * ordering per binding, and a 200 that lists every current binding with its remaining `expires`.
 * Clients register before they publish (DESIGN.md §1); the compositor accepts that so the engine's usual
 * start-up works against it. Bindings are not used for routing: NOTIFYs follow the subscription dialog.
 *
 *   REGISTER Contact c, expires n>0 ──► bound(c) ──refresh──► bound(c)
 *                                         ├── REGISTER c;expires=0 or Contact: * + Expires: 0 ──► gone
 *                                         └── expiry ──► gone
 */
import type { Aor } from '../message/aor';
import { parseNameAddr, splitCommaValues } from '../../../shared/sip/header-values';
import { decideExpiry, intervalTooBrief, type ExpiryPolicy, type IncomingRequest, type Reply } from '../request-context';
import { ExpiryQueue } from '../esc/expiry-queue';

interface Binding {
  readonly aorKey: string;
  /** The contact URI as sent, the binding's identity. */
  readonly uri: string;
  callId: string;
  cseq: number;
  expiresAt: number;
  expiryIndex: number;
}

export class Registrar {
  private readonly bindings = new Map<string, Map<string, Binding>>();
  private readonly expiries: ExpiryQueue<Binding>;
  private count = 0;

  constructor(
    private readonly policy: ExpiryPolicy,
    private readonly now: () => number = Date.now,
  ) {
    this.expiries = new ExpiryQueue((binding) => this.removeBinding(binding), now);
  }

  get bindingCount(): number {
    return this.count;
  }

  /** Current contact URIs of an AOR. */
  contactsOf(aor: Aor): string[] {
    return [...(this.bindings.get(aor.key)?.keys() ?? [])];
  }

  register(incoming: IncomingRequest): Reply {
    const { request, toAor } = incoming;
    if (toAor === null) return { status: 404, reason: 'Not Found (To is not an address-of-record)' };
    const aor = toAor.uri;
    const headers = request.headers;
    const expiresHeaders = headers.getAll('expires');
    if (expiresHeaders.length > 1) return { status: 400, reason: 'Bad Request (more than one Expires header)', aor };
    const contacts = headers.getAll('contact').flatMap(splitCommaValues);

    // §10.3 step 6: `*` only alone and with Expires: 0.
    if (contacts.includes('*')) {
      if (contacts.length !== 1 || expiresHeaders[0]?.trim() !== '0') {
        return { status: 400, reason: 'Bad Request (Contact: * needs Expires: 0 and no other contact)', aor };
      }
      const existing = [...(this.bindings.get(toAor.key)?.values() ?? [])];
      for (const binding of existing) {
        if (binding.callId === incoming.callId && incoming.cseq <= binding.cseq) {
          return { status: 500, reason: 'Server Internal Error (CSeq out of order)', aor };
        }
      }
      for (const binding of existing) this.removeBinding(binding);
      return this.ok(toAor, incoming.now, 'all bindings removed');
    }

    // §10.3 step 7: validate everything before changing anything (the request is atomic).
    const changes: Array<{ uri: string; seconds: number }> = [];
    for (const value of contacts) {
      const contact = parseNameAddr(value);
      if (contact === null) return { status: 400, reason: 'Bad Request (malformed Contact header)', aor };
      const decision = decideExpiry(contact.params.get('expires') ?? expiresHeaders[0], this.policy);
      if (decision.kind === 'malformed') return { status: 400, reason: 'Bad Request (malformed expires value)', aor };
      if (decision.kind === 'too-brief') return intervalTooBrief(this.policy, aor, 'registration interval');
      const existing = this.bindings.get(toAor.key)?.get(contact.uri.text);
      if (existing !== undefined && existing.callId === incoming.callId && incoming.cseq <= existing.cseq) {
        return { status: 500, reason: 'Server Internal Error (CSeq out of order)', aor };
      }
      changes.push({ uri: contact.uri.text, seconds: decision.seconds });
    }
    for (const { uri, seconds } of changes) this.apply(toAor, uri, seconds, incoming);
    const removed = changes.filter((c) => c.seconds === 0).length;
    const bound = changes.length - removed;
    const what = changes.length === 0 ? 'query' : [bound > 0 ? `${bound} bound` : '', removed > 0 ? `${removed} removed` : ''].filter(Boolean).join(', ');
    return this.ok(toAor, incoming.now, what);
  }

  dispose(): void {
    this.expiries.dispose();
    this.bindings.clear();
    this.count = 0;
  }

  private apply(aor: Aor, uri: string, seconds: number, incoming: IncomingRequest): void {
    let forAor = this.bindings.get(aor.key);
    const existing = forAor?.get(uri);
    if (seconds === 0) {
      if (existing !== undefined) this.removeBinding(existing);
      return;
    }
    if (forAor === undefined) {
      forAor = new Map();
      this.bindings.set(aor.key, forAor);
    }
    const binding: Binding = existing ?? { aorKey: aor.key, uri, callId: '', cseq: 0, expiresAt: 0, expiryIndex: -1 };
    if (existing === undefined) {
      forAor.set(uri, binding);
      this.count++;
    }
    binding.callId = incoming.callId;
    binding.cseq = incoming.cseq;
    binding.expiresAt = incoming.now + seconds * 1000;
    this.expiries.schedule(binding, binding.expiresAt);
  }

  private removeBinding(binding: Binding): void {
    const forAor = this.bindings.get(binding.aorKey);
    if (forAor?.get(binding.uri) !== binding) return;
    forAor.delete(binding.uri);
    this.count--;
    if (forAor.size === 0) this.bindings.delete(binding.aorKey);
    this.expiries.cancel(binding);
  }

  /** §10.3 step 8: 200 listing every current binding with its remaining lifetime, and a Date. */
  private ok(aor: Aor, now: number, note: string): Reply {
    const headers: Array<[string, string]> = [];
    for (const binding of this.bindings.get(aor.key)?.values() ?? []) {
      headers.push(['Contact', `<${binding.uri}>;expires=${Math.max(0, Math.ceil((binding.expiresAt - now) / 1000))}`]);
    }
    headers.push(['Date', new Date(now).toUTCString()]);
    return { status: 200, headers, aor: aor.uri, note: `${note}, ${headers.length - 1} binding(s)` };
  }
}
