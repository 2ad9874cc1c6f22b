/**
 * A minimal registrar — RFC 3261 §10.3 (processing REGISTER requests) without authentication: bindings of
 * an AOR to contact URIs with an expiry, `Contact: *` with `Expires: 0` to remove them all, Call-ID/CSeq
 * ordering per binding, and a 200 that lists every current binding with its remaining `expires`.
 * Clients register before they publish (docs/protocol.md §2); the compositor accepts that so the engine's usual
 * start-up works against it. Bindings are not used for routing: NOTIFYs follow the subscription dialog;
 * only the UDP address a binding was registered from lets NOTIFYs go there (limits/udp-rules.ts).
 *
 * Bindings are capped in total and per AOR (beyond → 503, limits/limits.ts), and over UDP the 200's list
 * is cut to the amplification bound, with a Warning saying how many are listed (limits/udp-rules.ts).
 *
 *   REGISTER Contact c, expires n>0 ──► bound(c) ──refresh──► bound(c)
 *                                         ├── REGISTER c;expires=0 or Contact: * + Expires: 0 ──► gone
 *                                         └── expiry ──► gone
 */
import type { Aor } from '../message/aor';
import { parseNameAddr, splitCommaValues } from '../../../shared/sip/header-values';
import { decideExpiry, intervalTooBrief, type ExpiryPolicy, type IncomingRequest, type Reply } from '../request-context';
import { ExpiryQueue } from '../expiry/expiry-queue';
import { overCapacity } from '../limits/limits';
import { udpResponseBudget, type Endpoint } from '../limits/udp-rules';

/** The limits the registrar applies (see CompositorLimits). */
export interface RegistrarLimits {
  readonly maxBindings: number;
  readonly maxBindingsPerAor: number;
  readonly udpAmplificationFactor: number;
}

/** Room kept in the UDP response budget for the Date and Warning headers. */
const DATE_AND_WARNING_BYTES = 160;

/** One binding of an AOR to a contact URI. */
export interface Binding {
  readonly aorKey: string;
  /** The contact URI as sent, the binding's identity. */
  readonly uri: string;
  callId: string;
  cseq: number;
  expiresAt: number;
  expiryIndex: number;
  /** The UDP source of the last REGISTER that bound it; null when that came over a connection. */
  registeredFrom: Endpoint | null;
}

/** What the state file hears from the registrar (state/state-rows.ts). */
export interface BindingPersistence {
  /** A binding was added or refreshed. */
  saved(binding: Binding): void;
  /** A binding was removed or expired. */
  removed(binding: Pick<Binding, 'aorKey' | 'uri'>): void;
}

/** A binding read back from the state file. */
export type RestoredBinding = Omit<Binding, 'expiryIndex'>;

export class Registrar {
  private readonly bindings = new Map<string, Map<string, Binding>>();
  private readonly expiries: ExpiryQueue<Binding>;
  private count = 0;

  constructor(
    private readonly policy: ExpiryPolicy,
    private readonly limits: RegistrarLimits,
    private readonly now: () => number = Date.now,
    private readonly persistence: BindingPersistence | null = null,
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

  /** Every live binding, for `presently compositor status` (read only; do not keep). */
  bindingList(): readonly Binding[] {
    return [...this.bindings.values()].flatMap((byContact) => [...byContact.values()]);
  }

  /** Whether a live binding of the AOR was registered over UDP from `endpoint`. */
  isRegisteredFrom(aorKey: string, endpoint: Endpoint): boolean {
    for (const binding of this.bindings.get(aorKey)?.values() ?? []) {
      const from = binding.registeredFrom;
      if (from !== null && from.address === endpoint.address && from.port === endpoint.port) return true;
    }
    return false;
  }

  /** RFC 3261 §10.3 for one REGISTER; the router has checked the domain and Require. */
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
      return this.ok(toAor, incoming, [], 'all bindings removed');
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
    const forAor = this.bindings.get(toAor.key);
    const added = new Set(changes.filter((c) => c.seconds > 0 && forAor?.has(c.uri) !== true).map((c) => c.uri)).size;
    if (added > 0) {
      const { maxBindings, maxBindingsPerAor } = this.limits;
      if (this.count + added > maxBindings) return overCapacity('maxBindings', `${maxBindings} bindings registered`, aor);
      if ((forAor?.size ?? 0) + added > maxBindingsPerAor) {
        return overCapacity('maxBindingsPerAor', `${maxBindingsPerAor} bindings registered for this address-of-record`, aor);
      }
    }
    for (const { uri, seconds } of changes) this.apply(toAor, uri, seconds, incoming);
    const removed = changes.filter((c) => c.seconds === 0).length;
    const bound = changes.length - removed;
    const what =
      changes.length === 0
        ? 'query'
        : [bound > 0 ? `${bound} bound` : '', removed > 0 ? `${removed} removed` : ''].filter(Boolean).join(', ');
    return this.ok(
      toAor,
      incoming,
      changes.map((c) => c.uri),
      what,
    );
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
    const binding: Binding = existing ?? { aorKey: aor.key, uri, callId: '', cseq: 0, expiresAt: 0, expiryIndex: -1, registeredFrom: null };
    if (existing === undefined) {
      forAor.set(uri, binding);
      this.count++;
    }
    binding.callId = incoming.callId;
    binding.cseq = incoming.cseq;
    binding.expiresAt = incoming.now + seconds * 1000;
    const flow = incoming.flow;
    binding.registeredFrom = flow.isReliable ? null : { address: flow.remoteAddress, port: flow.remotePort };
    this.expiries.schedule(binding, binding.expiresAt);
    this.persistence?.saved(binding);
  }

  /** Puts back bindings read from the state file; those past their expiry are left out. Returns how many were restored. */
  restore(saved: readonly RestoredBinding[]): number {
    const now = this.now();
    let restored = 0;
    for (const record of saved) {
      if (record.expiresAt <= now) {
        this.persistence?.removed(record);
        continue;
      }
      let forAor = this.bindings.get(record.aorKey);
      if (forAor === undefined) {
        forAor = new Map();
        this.bindings.set(record.aorKey, forAor);
      }
      const binding: Binding = { ...record, expiryIndex: -1 };
      forAor.set(binding.uri, binding);
      this.count++;
      this.expiries.schedule(binding, binding.expiresAt);
      restored++;
    }
    return restored;
  }

  private removeBinding(binding: Binding): void {
    const forAor = this.bindings.get(binding.aorKey);
    if (forAor?.get(binding.uri) !== binding) return;
    forAor.delete(binding.uri);
    this.count--;
    if (forAor.size === 0) this.bindings.delete(binding.aorKey);
    this.expiries.cancel(binding);
    this.persistence?.removed(binding);
  }

  /**
   * §10.3 step 8: 200 listing every current binding with its remaining lifetime, and a Date. Over UDP the
   * list stops at the amplification bound: the bindings this request named come first (the client checks
   * its own), then the rest while they fit, and a Warning (RFC 3261 §20.43, 399 miscellaneous) says how many
   * are listed and that a query over TCP lists all.
   */
  private ok(aor: Aor, incoming: IncomingRequest, named: readonly string[], note: string): Reply {
    const now = incoming.now;
    const forAor = this.bindings.get(aor.key);
    const ordered = new Set([...named.filter((uri) => forAor?.has(uri) === true), ...(forAor?.keys() ?? [])]);
    let budget = incoming.flow.isReliable
      ? Infinity
      : udpResponseBudget(incoming.receivedBytes, this.limits.udpAmplificationFactor) - DATE_AND_WARNING_BYTES;
    const headers: Array<[string, string]> = [];
    for (const uri of ordered) {
      const binding = forAor?.get(uri) as Binding;
      const value = `<${binding.uri}>;expires=${Math.max(0, Math.ceil((binding.expiresAt - now) / 1000))}`;
      budget -= 'Contact: \r\n'.length + Buffer.byteLength(value);
      if (budget < 0) break;
      headers.push(['Contact', value]);
    }
    const listed = headers.length;
    if (listed < ordered.size) {
      headers.push([
        'Warning',
        `399 compositor "${listed} of ${ordered.size} bindings listed: UDP answers are kept small; query over TCP for all"`,
      ]);
    }
    headers.push(['Date', new Date(now).toUTCString()]);
    const count = listed < ordered.size ? `${listed} of ${ordered.size}` : String(listed);
    return { status: 200, headers, aor: aor.uri, note: `${note}, ${count} binding(s)` };
  }
}
