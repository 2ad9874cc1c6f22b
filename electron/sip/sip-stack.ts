/**
 * The sip.js core as we run it: a `UserAgentCore` (transactions, dialogs, digest authentication, the
 * message parser) with our transport underneath and our registration, publisher and subscribers on top.
 *
 * We use the core directly rather than sip.js's `UserAgent`, because the `UserAgent` layer drops every
 * response whose Via carries a port and defaults the Contact to `transport=ws` (docs/sip-js.md §2) while
 * giving us nothing we need. What it did do — the RFC 3261 §8.1.1/§18 sanity checks on incoming
 * messages — is done here in `receive`.
 *
 * Via (RFC 3261 §18.1.1, RFC 3581): `SIP/2.0/<UDP|TCP|TLS|WS|WSS> <local ip>:<local port>;branch=…;rport`,
 * the real address of the connection's socket, updated on every (re)connection. Over WebSockets the
 * sent-by is a random `.invalid` host as RFC 7118 §5.2 recommends: the server answers over the
 * connection, never to an address.
 * Contact: `sip:<random user>@<local ip>:<local port>;transport=<kind>` (UDP without the parameter),
 * likewise updated when the connection changes.
 *
 * Received messages are read by transport/inbound-message.ts, which builds the message objects sip.js's parser would
 * for the common shapes in microseconds and hands every other message to that parser, so either way the core gets
 * what sip.js's parser makes of it.
 *
 * Nothing a peer sends is answered 500 by us. Every NOTIFY passes notify-screen.ts's header checks before the core
 * sees it (refused ones are reported to `onNotifyRefused` listeners, so that the buddy can show a warning); an
 * out-of-order NOTIFY in a subscription dialog is answered 200 and dropped (see `isStaleNotify`); a request sip.js's
 * parser refuses (say a Content-Type that is not type/subtype) is answered 400 from its raw headers, where sip.js would
 * say nothing and leave the peer retransmitting until it gives up; and a request sip.js throws on is answered 400
 * rather than 500.
 */
import { Grammar, type URI } from 'sip.js/lib/grammar/index.js';
import {
  DigestAuthentication,
  IncomingRequestMessage,
  IncomingResponseMessage,
  Levels,
  LoggerFactory,
  SubscriptionDialog,
  TransportError,
  UserAgentCore,
  type Contact,
  type OutgoingRequestMessage,
  type Transport as CoreTransport,
  type UserAgentCoreConfiguration,
} from 'sip.js/lib/core/index.js';
import { createRandomToken } from 'sip.js/lib/core/messages/utils.js';
import { errorMessage } from '../../shared/error-message';
import type { SipTransport } from '../../shared/sip/transport';
import type { SipLogger, SipTimers } from './sip-client-types';
import { screenNotify, WATCHED_EVENTS, type NotifyRefusal } from './subscribe/notify-screen';
import { useRandomBranches } from './transport/branch-ids';
import { hasResponseHeaders, ReliabilityLayer, responseTo } from './transport/reliability-layer';
import { parseInboundMessage, type InboundParser } from './transport/inbound-message';
import type { SipConnection } from './transport/sip-connection';
import { readMessageHead } from './transport/sip-message-head';

export interface SipStackOptions {
  readonly aor: URI;
  readonly displayName?: string;
  readonly authUser?: string;
  readonly password?: string;
  readonly userAgent: string;
  /** Preloaded route set (an outbound proxy), as Route header values. */
  readonly routeSet: readonly string[];
  /** The transport Via names while no connection is attached (then the connection's own). */
  readonly transportKind: SipTransport;
  readonly timers: SipTimers;
  readonly logger: SipLogger;
  /**
   * How received messages are parsed: `fast` (the default) by transport/inbound-message.ts, with sip.js's parser for
   * what it leaves; `sip.js` by sip.js's parser alone (for comparison, e.g. the inbound benchmark's before figure).
   */
  readonly inboundParser?: InboundParser;
}

const MANDATORY_HEADERS = ['from', 'to', 'call_id', 'cseq', 'via'] as const;

// sip.js's own branches have 23 random bits, too few for thousands of transactions at once (branch-ids.ts).
useRandomBranches();

/** Told about a NOTIFY the stack refused before the core saw it: its Call-ID and what we answered. */
export type RefusedNotifyListener = (callId: string, refusal: NotifyRefusal) => void;

export class SipStack {
  readonly core: UserAgentCore;
  readonly contact: Contact;
  private readonly configuration: UserAgentCoreConfiguration;
  private connection: SipConnection | undefined;
  private layer: ReliabilityLayer | undefined;
  private readonly contactUser = createRandomToken(10);
  /** The `.invalid` host RFC 7118 suggests for WebSocket Via and Contact; fixed per stack. */
  private readonly wsHost = `${createRandomToken(12).toLowerCase()}.invalid`;
  private readonly refusedNotifyListeners = new Set<RefusedNotifyListener>();

  constructor(private readonly options: SipStackOptions) {
    const loggerFactory = new LoggerFactory();
    loggerFactory.builtinEnabled = false;
    loggerFactory.level = Levels.log;
    loggerFactory.connector = (level, category, _label, content) => {
      const text = `${category}: ${String(content)}`;
      options.logger(level === 'error' ? 'error' : level === 'warn' ? 'warn' : 'debug', text);
    };
    const contactUri = Grammar.URIParse(`sip:${this.contactUser}@${this.wsHost}`);
    if (!contactUri) throw new Error('Could not build the Contact URI.');
    this.contact = {
      pubGruu: undefined,
      tempGruu: undefined,
      uri: contactUri,
      toString: (o = {}) => `<${this.contact.uri.toString()}${o.outbound ? ';ob' : ''}>`,
    };
    const currentKind = () => this.connection?.kind ?? options.transportKind;
    const transport: CoreTransport = {
      // Read for each request's Via: the transport DNS chose (RFC 3263 §4) may differ from the URI's default.
      get protocol() {
        return currentKind().toUpperCase();
      },
      send: (message: string) => {
        const layer = this.layer;
        if (!layer) return Promise.reject(new TransportError('Not connected to the server.'));
        return layer.send(message).catch((error: unknown) => {
          throw new TransportError(errorMessage(error));
        });
      },
    };
    this.configuration = {
      aor: options.aor,
      contact: this.contact,
      displayName: options.displayName ?? '',
      loggerFactory,
      hackViaTcp: false,
      routeSet: [...options.routeSet],
      sipjsId: createRandomToken(5),
      supportedOptionTags: [],
      supportedOptionTagsResponse: [],
      userAgentHeaderFieldValue: options.userAgent,
      viaForceRport: true,
      viaHost: this.wsHost,
      authenticationFactory: () =>
        options.password === undefined
          ? undefined
          : new DigestAuthentication(loggerFactory, undefined, options.authUser ?? options.aor.user, options.password),
      transportAccessor: () => transport,
    };
    this.core = new UserAgentCore(this.configuration, {
      // A presence client takes no calls, messages, transfers, registrations or subscriptions.
      onInvite: (request) => request.reject({ statusCode: 480, reasonPhrase: 'Presence Only' }),
      onMessage: (request) => request.reject({ statusCode: 405 }),
      onRefer: (request) => request.reject({ statusCode: 405 }),
      onRegister: (request) => request.reject({ statusCode: 405 }),
      onSubscribe: (request) => request.reject({ statusCode: 489 }),
      // RFC 6665 §4.1.3: a NOTIFY that matches no subscription is answered 481.
      onNotify: (request) => request.reject({ statusCode: 481 }),
    });
  }

  /** The connection messages currently go over, if any. */
  get currentConnection(): SipConnection | undefined {
    return this.connection;
  }

  /** The Via sent-by we put in requests (`host:port`, or the `.invalid` host over WebSockets). */
  get viaHost(): string {
    return this.configuration.viaHost;
  }

  /** Our Contact header value (with angle brackets). */
  contactHeader(): string {
    return this.contact.toString();
  }

  /** Starts using a freshly opened connection: Via and Contact now name its local address. */
  attach(connection: SipConnection): void {
    this.detach('replaced by a new connection');
    this.connection = connection;
    this.layer = new ReliabilityLayer(connection, (text) => this.receiveFromLayer(text), this.options.timers);
    const isWs = connection.kind === 'ws' || connection.kind === 'wss';
    const host = isWs ? this.wsHost : connection.local.address.includes(':') ? `[${connection.local.address}]` : connection.local.address;
    this.configuration.viaHost = isWs ? this.wsHost : `${host}:${connection.local.port}`;
    const params = connection.kind === 'udp' ? '' : `;transport=${connection.kind}`;
    const uri = Grammar.URIParse(`sip:${this.contactUser}@${host}${isWs ? '' : `:${connection.local.port}`}${params}`);
    if (uri) this.contact.uri = uri;
  }

  /** Stops using the connection; requests still waiting for an answer fail now with a local 503. */
  detach(reason: string): void {
    const layer = this.layer;
    this.layer = undefined;
    this.connection = undefined;
    if (layer) {
      layer.failPending(reason);
      layer.dispose();
    }
  }

  /** Calls `listener` for every NOTIFY refused by notify-screen.ts's checks; returns the function that stops it. */
  onNotifyRefused(listener: RefusedNotifyListener): () => void {
    this.refusedNotifyListeners.add(listener);
    return () => this.refusedNotifyListeners.delete(listener);
  }

  /** A message from the connection. */
  receive(text: string): void {
    this.layer?.receive(text);
  }

  /** Builds an out-of-dialog request with our defaults (From tag, Call-ID, Via, User-Agent). */
  makeRequest(
    method: string,
    requestUri: URI,
    fromUri: URI,
    toUri: URI,
    extraHeaders: string[],
    body?: { contentType: string; content: string },
    options: { callId?: string; cseq?: number; fromTag?: string } = {},
  ): OutgoingRequestMessage {
    return this.core.makeOutgoingRequestMessage(
      method,
      requestUri,
      fromUri,
      toUri,
      // No option tags: sip.js would claim `path, gruu` on REGISTER, neither of which we implement.
      { ...options, optionTags: [] },
      extraHeaders,
      body === undefined ? undefined : { contentDisposition: 'render', contentType: body.contentType, content: body.content },
    );
  }

  /**
   * Drops every transaction, dialog and pending subscription without sending anything, and stops their
   * timers (sip.js's Timer N of a SUBSCRIBE still waiting for its NOTIFY survives a plain reset).
   */
  shutdown(): void {
    for (const subscriber of [...this.core.subscribers.values()]) subscriber.waitNotifyStop();
    this.core.dispose();
  }

  private receiveFromLayer(text: string): void {
    const logger = this.configuration.loggerFactory.getLogger('sip.parser');
    const message = parseInboundMessage(text, logger, this.options.inboundParser);
    if (!message) {
      this.options.logger('warn', 'Refused a message that could not be parsed.');
      this.refuseUnparsable(text);
      return;
    }
    for (const header of MANDATORY_HEADERS) {
      if (!message.hasHeader(header)) {
        this.options.logger('warn', `Dropped a message without ${header.replace('_', '-')}.`);
        return;
      }
    }
    // RFC 3261 §18.3: a body shorter than Content-Length is a truncated message.
    const declared = message.getHeader('content-length');
    // Buffer.byteLength rather than sip.js's utf8Length, which copies the body through encodeURIComponent.
    const isTruncated = declared !== undefined && Buffer.byteLength(message.body) < Number(declared);
    try {
      if (message instanceof IncomingRequestMessage) {
        if (isTruncated) {
          this.core.replyStateless(message, { statusCode: 400, reasonPhrase: 'Truncated Message' });
          return;
        }
        if (message.method === 'NOTIFY' && this.answerNotifyBeforeCore(message)) return;
        this.core.receiveIncomingRequestFromTransport(message);
      } else if (message instanceof IncomingResponseMessage) {
        // RFC 3261 §18.1.2: a response whose top Via is not ours is discarded.
        const via = message.via;
        // sip.js keeps IPv6 references in brackets ("[::1]"); our viaHost has them too.
        const host = via.host.replace(/^\[(.*)\]$/, '$1');
        const bracketed = host.includes(':') ? `[${host}]` : host;
        const sentBy = via.port === undefined ? bracketed : `${bracketed}:${via.port}`;
        if (isTruncated || message.getHeaders('via').length !== 1 || sentBy.toLowerCase() !== this.configuration.viaHost.toLowerCase()) {
          this.options.logger('warn', `Dropped a response not addressed to us (Via ${sentBy}).`);
          return;
        }
        this.core.receiveIncomingResponseFromTransport(message);
      }
    } catch (error) {
      // sip.js throws on some unexpected input (e.g. an out-of-dialog PRACK, a NOTIFY whose From has no tag); never
      // let it escape. The request is one we cannot process, not a fault of ours a retry would cure: 400, not 500
      // (which invites the same request again, RFC 3261 §21.5.1, and makes a notifier drop the subscription).
      this.options.logger(
        'error',
        `sip.js could not handle a ${message instanceof IncomingRequestMessage ? message.method : 'response'}: ${String(error)}`,
      );
      if (message instanceof IncomingRequestMessage && message.method !== 'ACK') {
        try {
          this.core.replyStateless(message, { statusCode: 400, reasonPhrase: 'Bad Request' });
        } catch {
          // Nothing more we can do for a request sip.js cannot even answer.
        }
      }
    }
  }

  /**
   * Answers 400 to a request sip.js's parser refused, built from its raw Via, From, To, Call-ID and CSeq as RFC 3261
   * §8.2.6.2 says (a To tag added when missing); without all five, or for an ACK, nothing can or may be answered.
   */
  private refuseUnparsable(text: string): void {
    const head = readMessageHead(text);
    const layer = this.layer;
    if (!layer || head?.kind !== 'request' || head.method === 'ACK' || head.callId === null) return;
    if (!hasResponseHeaders(text)) return;
    const response = responseTo(text, 400, 'Bad Request', [`User-Agent: ${this.options.userAgent}`], createRandomToken(10));
    layer.send(response).catch(() => undefined); // a lost connection is reported by the connection itself
    if (head.method !== 'NOTIFY') return;
    this.tellNotifyRefused(head.callId, {
      statusCode: 400,
      reasonPhrase: 'Bad Request',
      extraHeaders: [],
      problem: { statusCode: 400, message: 'A NOTIFY Presently could not parse, answered 400 Bad Request.' },
    });
  }

  private tellNotifyRefused(callId: string, refusal: NotifyRefusal): void {
    for (const listener of [...this.refusedNotifyListeners]) {
      try {
        listener(callId, refusal);
      } catch (error) {
        this.options.logger('error', `A refused NOTIFY's listener failed: ${errorMessage(error)}`);
      }
    }
  }

  /** Answers a NOTIFY that must not reach the core (refused by the screen, or out of order); true when it did. */
  private answerNotifyBeforeCore(message: IncomingRequestMessage): boolean {
    const refusal = screenNotify(message, this.subscribedEvent(message));
    if (refusal) {
      this.core.replyStateless(message, {
        statusCode: refusal.statusCode,
        reasonPhrase: refusal.reasonPhrase,
        extraHeaders: [...refusal.extraHeaders],
      });
      this.tellNotifyRefused(message.callId, refusal);
      return true;
    }
    if (this.isStaleNotify(message)) {
      this.options.logger('debug', `Answered 200 to an out-of-order NOTIFY (CSeq ${message.cseq}) without applying it.`);
      this.core.replyStateless(message, { statusCode: 200 });
      return true;
    }
    return false;
  }

  /**
   * The event package of the subscription a NOTIFY belongs to — its dialog's, or, before the dialog, the one of the
   * SUBSCRIBE waiting for it (sip.js keys those by Call-ID, our tag and package) — or undefined when it matches none.
   */
  private subscribedEvent(message: IncomingRequestMessage): string | undefined {
    const dialog = message.toTag === undefined ? undefined : this.core.dialogs.get(message.callId + message.toTag + message.fromTag);
    if (dialog instanceof SubscriptionDialog) return dialog.subscriptionEvent;
    return WATCHED_EVENTS.find((event) => this.core.subscribers.has(message.callId + (message.toTag ?? '') + event));
  }

  /**
   * A NOTIFY in a subscription dialog whose CSeq is not above the last one we took. RFC 3261 §12.2.2 has a UAS answer
   * such a request 500, and sip.js does. We answer 200 and do not apply it instead, because in a subscription dialog
   * it is a late retransmission (our response cache keeps answers for 64·T1 only) or a NOTIFY that UDP delivered after
   * a newer one, and a presence NOTIFY carries the whole state (RFC 3856 §6.5), so the newer state we already applied
   * supersedes it. A failure answer gains nothing and costs the subscription: a notifier removes a subscription whose
   * NOTIFY failed (RFC 6665 §4.2.2), and RFC 6665 requires no 500 here. Other methods keep RFC 3261's rule.
   */
  private isStaleNotify(message: IncomingRequestMessage): boolean {
    if (message.toTag === undefined) return false;
    const dialog = this.core.dialogs.get(message.callId + message.toTag + message.fromTag);
    const highest = dialog instanceof SubscriptionDialog ? dialog.remoteSequenceNumber : undefined;
    return highest !== undefined && message.cseq <= highest;
  }
}
