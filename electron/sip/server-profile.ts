/**
 * Which presence server the account talks to, and what it takes, from what it sent: the product named in `Server`
 * (RFC 3261 §20.35) or `User-Agent` (§20.41), the event packages in `Allow-Events` (RFC 6665 §8.2.2), the methods in
 * `Allow` (RFC 3261 §20.5), and its answers to our REGISTER, PUBLISH and SUBSCRIBE. Pure: `ServerObserver` is fed
 * every message the connection carries and keeps the profile up to date; `describeServer` turns what it saw into
 * the `ServerProfile` the connection details show.
 *
 * What is believed, strongest first: an answer to our own request (2xx: it takes it; 489 Bad Event, 405, 501: it
 * does not), then the server's `Allow-Events`/`Allow` (PUBLISH missing from Allow: no publications), then what the product is known to do by default (Asterisk
 * makes a user's presence from the phone line and refuses a client's PUBLISH for presence with 489).
 */
import type { ServerCapabilities, ServerCapability, ServerProduct, ServerProfile, ServerQuirk } from '../../shared/presence/presence-state';
import type { TraceDirection } from '../../shared/trace/trace-entry';
import { forEachHeaderField, startLineOf } from '../../shared/sip/header-section';
import { eventPackage, parseCSeq, splitCommaValues } from '../../shared/sip/header-values';
import { readStartLine } from '../../shared/sip/start-line';

/** What the observer has seen of the server. */
export interface ServerObservations {
  /** The first `Server` (or, failing that, `User-Agent`) value the server sent. */
  readonly productText?: string;
  /** Event packages of the last `Allow-Events` seen, lower-cased. */
  readonly allowEvents?: ReadonlySet<string>;
  /** Methods of the last `Allow` seen, upper-cased. */
  readonly allow?: ReadonlySet<string>;
  /** The last final answer to our PUBLISH and to our SUBSCRIBE per event package. */
  readonly publishAnswer?: number;
  readonly subscribeAnswers: ReadonlyMap<string, number>;
}

/** A product recognised from a Server/User-Agent value. */
export interface RecognisedProduct {
  readonly product: ServerProduct;
  readonly version?: string;
}

/**
 * How each product names itself by default, with the version where it gives one. Sources: Kamailio's and OpenSIPS's
 * core `server_header` default, "<name> (<version> (<arch>/<os>))"; Asterisk's PJSIP `user_agent` default,
 * "Asterisk PBX <version>", and FreePBX's "FPBX-<freepbx version>(<asterisk version>)"; FreeSWITCH's sofia
 * `user-agent-string` default, "FreeSWITCH-mod_sofia/<version>-<build>"; Flexisip's "Flexisip/<version>
 * (sofia-sip-nta/<version>)"; our compositor's "Presently-Compositor/<version>".
 */
const PRODUCT_PATTERNS: ReadonlyArray<{ readonly product: ServerProduct; readonly pattern: RegExp }> = [
  { product: 'presently-compositor', pattern: /\bPresently-Compositor(?:\/(\S+))?/i },
  { product: 'kamailio', pattern: /^\s*(?:kamailio|SIP Express Router)\b(?:\s*\((\d[^\s()]*))?/i },
  { product: 'opensips', pattern: /^\s*OpenSIPS\b(?:\s*\((\d[^\s()]*))?/i },
  { product: 'asterisk', pattern: /^\s*FPBX-[\d.]+\((\d[^\s()]*)\)/i },
  { product: 'asterisk', pattern: /\bAsterisk(?:\s+PBX)?(?:\s+(\d[^\s]*))?/i },
  { product: 'freeswitch', pattern: /\bFreeSWITCH(?:-mod_sofia)?(?:\/(\d[^\s]*))?/i },
  { product: 'flexisip', pattern: /\bFlexisip(?:\/(\d[^\s]*))?/i },
];

/** The names the connection details use. */
const PRODUCT_NAMES: Readonly<Record<ServerProduct, string>> = {
  kamailio: 'Kamailio',
  opensips: 'OpenSIPS',
  asterisk: 'Asterisk',
  freeswitch: 'FreeSWITCH',
  flexisip: 'Flexisip',
  'presently-compositor': 'Presently’s built-in server',
  unknown: 'unknown server',
};

/** The product and version in a few words: `Kamailio 5.6.3`, `Presently’s built-in server 0.1.0`. */
export function serverProductName(profile: Pick<ServerProfile, 'product' | 'version'>): string {
  return profile.version === undefined ? PRODUCT_NAMES[profile.product] : `${PRODUCT_NAMES[profile.product]} ${profile.version}`;
}

/** RFC 3903 §6 and RFC 3261 §21.4.6, §21.5.2: the answers that say a request of that kind is not taken at all. */
const REFUSALS = new Set([405, 489, 501]);

/** The longest Server value kept for an unknown product (it is shown to the user). */
const MAX_PRODUCT_TEXT = 60;

/** Reads the product and version from a Server or User-Agent value; `unknown` when no pattern fits. */
export function recogniseProduct(headerValue: string): RecognisedProduct {
  for (const { product, pattern } of PRODUCT_PATTERNS) {
    const match = pattern.exec(headerValue);
    if (!match) continue;
    // Only the numeric part: FreeSWITCH's "1.10.9-release~64bit" is version 1.10.9.
    const version = /^\d+(?:\.\d+)*/.exec(match[1] ?? '')?.[0];
    return version === undefined ? { product } : { product, version };
  }
  return { product: 'unknown' };
}

/** The profile the connection details show, from what was seen. */
export function describeServer(seen: ServerObservations): ServerProfile {
  const recognised = seen.productText === undefined ? { product: 'unknown' as const } : recogniseProduct(seen.productText);
  const capabilities = capabilitiesFrom(seen, recognised.product);
  const quirks: ServerQuirk[] = [];
  if (recognised.product === 'asterisk' && capabilities.publish !== 'yes') quirks.push('status-from-phone-line');
  if (capabilities.presenceSubscribe === 'no' && capabilities.dialogSubscribe === 'yes') quirks.push('watch-line-state');
  return {
    product: recognised.product,
    ...(recognised.version === undefined ? {} : { version: recognised.version }),
    capabilities,
    quirks,
    sentence: sentenceFor(recognised, seen.productText, capabilities, quirks),
  };
}

function capabilitiesFrom(seen: ServerObservations, product: ServerProduct): ServerCapabilities {
  // Allow lists methods, not event packages: a server may take PUBLISH for other events (Asterisk does), so only
  // its absence says something.
  const allows = (method: string): ServerCapability => (seen.allow !== undefined && !seen.allow.has(method) ? 'no' : 'unknown');
  const offers = (event: string): ServerCapability =>
    seen.allowEvents === undefined ? 'unknown' : seen.allowEvents.has(event) ? 'yes' : 'no';
  const answered = (code: number | undefined): ServerCapability =>
    code === undefined ? 'unknown' : code >= 200 && code < 300 ? 'yes' : REFUSALS.has(code) ? 'no' : 'unknown';
  const firstKnown = (...verdicts: ServerCapability[]): ServerCapability => verdicts.find((v) => v !== 'unknown') ?? 'unknown';
  const publishByDefault = product === 'asterisk' ? 'no' : 'unknown';
  return {
    publish: firstKnown(answered(seen.publishAnswer), allows('PUBLISH'), publishByDefault),
    presenceSubscribe: firstKnown(answered(seen.subscribeAnswers.get('presence')), offers('presence')),
    dialogSubscribe: firstKnown(answered(seen.subscribeAnswers.get('dialog')), offers('dialog')),
  };
}

function sentenceFor(
  recognised: RecognisedProduct,
  productText: string | undefined,
  capabilities: ServerCapabilities,
  quirks: readonly ServerQuirk[],
): string {
  let name = PRODUCT_NAMES[recognised.product];
  if (recognised.version !== undefined) name += ` ${recognised.version}`;
  if (recognised.product === 'unknown' && productText !== undefined) name += ` (${printableProduct(productText)})`;
  const parts: string[] = [];
  if (quirks.includes('status-from-phone-line')) parts.push('publishes your status from your phone line');
  else if (capabilities.publish === 'no') parts.push('takes no presence publications');
  if (quirks.includes('watch-line-state')) parts.push('colleagues are shown by their phone line (on the phone, ringing, idle)');
  else if (capabilities.presenceSubscribe === 'no') parts.push('offers no presence subscriptions');
  if (capabilities.publish === 'no') {
    parts.push(
      capabilities.presenceSubscribe === 'no' && !quirks.includes('watch-line-state')
        ? 'Presently can neither set your status nor show colleagues'
        : 'Presently can show colleagues but not set your status',
    );
  }
  return parts.length === 0 ? `Presence server: ${name}` : `Presence server: ${name} — ${parts.join('; ')}`;
}

function printableProduct(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\x00-\x1f\x7f]/g, '').trim();
  return clean.length > MAX_PRODUCT_TEXT ? `${clean.slice(0, MAX_PRODUCT_TEXT)}…` : clean;
}

/** Whether two sets hold the same members (an unset one holds none, and differs from any set). */
function sameMembers(a: ReadonlySet<string> | undefined, b: ReadonlySet<string>): boolean {
  if (a === undefined || a.size !== b.size) return false;
  for (const member of b) if (!a.has(member)) return false;
  return true;
}

/** How many of our SUBSCRIBEs may wait for their answer at once before the oldest is forgotten. */
const MAX_OPEN_SUBSCRIBES = 256;

/**
 * Watches every message of an account's connections and keeps the server's profile. Our own SUBSCRIBEs are
 * remembered by Call-ID and CSeq so that their answers (which need not repeat the Event header) are credited to
 * their event package.
 */
export class ServerObserver {
  private productText: string | undefined;
  private allowEvents: ReadonlySet<string> | undefined;
  private allow: ReadonlySet<string> | undefined;
  private publishAnswer: number | undefined;
  private readonly subscribeAnswers = new Map<string, number>();
  private readonly openSubscribes = new Map<string, string>();
  private profileValue: ServerProfile | undefined;

  /** The profile so far; undefined until the server has answered anything. */
  get profile(): ServerProfile | undefined {
    return this.profileValue;
  }

  /** Reads one message as the connection carried it; true when the profile changed. */
  observe(direction: TraceDirection, raw: string): boolean {
    const start = readStartLine(startLineOf(raw));
    if (start === null) return false;
    if (direction === 'out') {
      if (start.kind === 'request' && start.method === 'SUBSCRIBE') this.rememberSubscribe(raw);
      return false;
    }
    if (start.kind !== 'response') return false;
    let server: string | undefined;
    let userAgent: string | undefined;
    let callId = '';
    let cseq = '';
    // Most answers (thousands of SUBSCRIBE 200s for a long list) change nothing: the profile is described again only when one does.
    let changed = this.profileValue === undefined;
    forEachHeaderField(raw, (key, value) => {
      if (key === 'server') server ??= value;
      else if (key === 'user-agent') userAgent ??= value;
      else if (key === 'call-id') callId = value;
      else if (key === 'cseq') cseq = value;
      else if (key === 'allow-events') {
        const next = new Set(splitCommaValues(value).map((v) => v.trim().toLowerCase()));
        if (!sameMembers(this.allowEvents, next)) {
          this.allowEvents = next;
          changed = true;
        }
      } else if (key === 'allow') {
        const next = new Set(splitCommaValues(value).map((v) => v.trim().toUpperCase()));
        if (!sameMembers(this.allow, next)) {
          this.allow = next;
          changed = true;
        }
      }
    });
    if (this.productText === undefined && (server ?? userAgent) !== undefined) {
      this.productText = server ?? userAgent;
      changed = true;
    }
    const method = parseCSeq(cseq);
    if (method !== null && start.status >= 200) {
      if (method.method === 'PUBLISH' && this.publishAnswer !== start.status) {
        this.publishAnswer = start.status;
        changed = true;
      }
      if (method.method === 'SUBSCRIBE') {
        const key = `${callId} ${method.seq}`;
        const event = this.openSubscribes.get(key);
        this.openSubscribes.delete(key);
        if (event !== undefined && this.subscribeAnswers.get(event) !== start.status) {
          this.subscribeAnswers.set(event, start.status);
          changed = true;
        }
      }
    }
    return changed && this.refresh();
  }

  private rememberSubscribe(raw: string): void {
    let callId = '';
    let seq: number | undefined;
    let event: string | null = null;
    forEachHeaderField(raw, (key, value) => {
      if (key === 'call-id') callId = value;
      else if (key === 'cseq') seq = parseCSeq(value)?.seq;
      else if (key === 'event') event = eventPackage(value);
    });
    if (seq === undefined || event === null) return;
    if (this.openSubscribes.size >= MAX_OPEN_SUBSCRIBES) {
      const oldest = this.openSubscribes.keys().next().value;
      if (oldest !== undefined) this.openSubscribes.delete(oldest);
    }
    this.openSubscribes.set(`${callId} ${seq}`, event);
  }

  private refresh(): boolean {
    const next = describeServer({
      ...(this.productText === undefined ? {} : { productText: this.productText }),
      ...(this.allowEvents === undefined ? {} : { allowEvents: this.allowEvents }),
      ...(this.allow === undefined ? {} : { allow: this.allow }),
      ...(this.publishAnswer === undefined ? {} : { publishAnswer: this.publishAnswer }),
      subscribeAnswers: this.subscribeAnswers,
    });
    const previous = this.profileValue;
    this.profileValue = next;
    return previous === undefined || JSON.stringify(previous) !== JSON.stringify(next);
  }
}
