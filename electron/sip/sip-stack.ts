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
 */
import { Grammar, type URI } from 'sip.js/lib/grammar/index.js';
import {
  DigestAuthentication,
  IncomingRequestMessage,
  IncomingResponseMessage,
  Levels,
  LoggerFactory,
  Parser,
  TransportError,
  UserAgentCore,
  type Contact,
  type OutgoingRequestMessage,
  type Transport as CoreTransport,
  type UserAgentCoreConfiguration,
} from 'sip.js/lib/core/index.js';
import { createRandomToken, utf8Length } from 'sip.js/lib/core/messages/utils.js';
import { errorMessage } from '../../shared/error-message';
import type { SipTransport } from '../../shared/sip/transport';
import type { SipLogger, SipTimers } from './sip-client-types';
import { ReliabilityLayer } from './transport/reliability-layer';
import type { SipConnection } from './transport/sip-connection';

export interface SipStackOptions {
  readonly aor: URI;
  readonly displayName?: string;
  readonly authUser?: string;
  readonly password?: string;
  readonly userAgent: string;
  /** Preloaded route set (an outbound proxy), as Route header values. */
  readonly routeSet: readonly string[];
  readonly transportKind: SipTransport;
  readonly timers: SipTimers;
  readonly logger: SipLogger;
}

const MANDATORY_HEADERS = ['from', 'to', 'call_id', 'cseq', 'via'] as const;

export class SipStack {
  readonly core: UserAgentCore;
  readonly contact: Contact;
  private readonly configuration: UserAgentCoreConfiguration;
  private connection: SipConnection | undefined;
  private layer: ReliabilityLayer | undefined;
  private readonly contactUser = createRandomToken(10);
  /** The `.invalid` host RFC 7118 suggests for WebSocket Via and Contact; fixed per stack. */
  private readonly wsHost = `${createRandomToken(12).toLowerCase()}.invalid`;

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
    const protocol = options.transportKind.toUpperCase();
    const transport: CoreTransport = {
      protocol,
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
    const message = Parser.parseMessage(text, logger);
    if (!message) {
      this.options.logger('warn', 'Dropped a message that could not be parsed.');
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
    const isTruncated = declared !== undefined && utf8Length(message.body) < Number(declared);
    try {
      if (message instanceof IncomingRequestMessage) {
        if (isTruncated) {
          this.core.replyStateless(message, { statusCode: 400, reasonPhrase: 'Truncated Message' });
          return;
        }
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
      // sip.js throws on some unexpected input (e.g. an out-of-dialog PRACK); never let it escape.
      this.options.logger('error', `sip.js could not handle a ${message instanceof IncomingRequestMessage ? message.method : 'response'}: ${String(error)}`);
      if (message instanceof IncomingRequestMessage && message.method !== 'ACK') {
        try {
          this.core.replyStateless(message, { statusCode: 500, reasonPhrase: 'Server Internal Error' });
        } catch {
          // Nothing more we can do for a request sip.js cannot even answer.
        }
      }
    }
  }
}
