/**
 * "Why is this buddy offline?": one buddy's subscription history and last reported state, explained in words a
 * user can act on — never answered, refused (and what the code means), awaiting the buddy's authorisation, active
 * but nobody publishing, ended with a reason, our own publication looping on 412. Pure: main calls it with the
 * history it keeps (electron/service/subscription-history.ts); the window shows the result and, from `callId`, the
 * subscription's ladder in the trace.
 */
import { CLOSED_TUPLE_ID } from '../pidf';
import type { BuddyPresence, PresenceSummary, SipProblem, SubscriptionState } from '../presence/presence-state';
import { PRESENCE_STATUS_LABELS } from '../presence/presence-status';
import type { SubscriptionHistoryEvent } from './subscription-history';

/**
 * What the explanation found:
 * - `online`: presence arrives and says something other than offline;
 * - `published-offline`: devices publish presence, and all of them say offline;
 * - `published-unknown`: devices publish presence, but nothing in it says whether the buddy is available
 *   (a location-only document, tuples without `basic`);
 * - `no-publication`: subscribed, but the server holds no publication (an empty NOTIFY, a document without tuples,
 *   or only the built-in server's closed stand-in tuple for "nobody published");
 * - `pending`: the server holds the subscription until the buddy authorises us;
 * - `waiting`: asked, no answer yet (or not asked yet: not connected);
 * - `no-answer`: nothing answered the SUBSCRIBE, or no NOTIFY followed its 2xx;
 * - `unreachable`: the server cannot be reached (name, route, TLS, a lost connection);
 * - `refused`: the server answered with a refusal (403, 404, 489, …);
 * - `failed`: the server could not serve it (480, 5xx), or Presently failed itself;
 * - `unreadable-update`: the server's NOTIFY could not be used and there is no presence to show;
 * - `ended`: the server terminated the subscription with a reason (RFC 6665 §4.1.3);
 * - `publication-loop`: the buddy is us, and our own PUBLISHes keep failing with 412.
 */
export type PresenceExplanationCause =
  | 'online'
  | 'published-offline'
  | 'published-unknown'
  | 'no-publication'
  | 'pending'
  | 'waiting'
  | 'no-answer'
  | 'unreachable'
  | 'refused'
  | 'failed'
  | 'unreadable-update'
  | 'ended'
  | 'publication-loop';

/** The explanation as the buddy's details show it. */
export interface PresenceExplanation {
  readonly cause: PresenceExplanationCause;
  /** One line: "The server does not know sip:carol@example.com". */
  readonly headline: string;
  /** Sentences saying what it means and what the user can do. */
  readonly details: readonly string[];
  /** The Call-ID of the subscription dialog it is about, to open that dialog's ladder in the trace. */
  readonly callId?: string;
  /** When Presently subscribes again (ms since the epoch), if a retry is scheduled. */
  readonly retryAt?: number;
}

/** What the explainer reads. */
export interface ExplainPresenceInput {
  /** The buddy's name as the list shows it ("Bob"). */
  readonly name: string;
  /** The last state the engine reported: the subscription and the last presence summary. */
  readonly presence: BuddyPresence;
  /** The subscription's recorded events, oldest first. */
  readonly history: readonly SubscriptionHistoryEvent[];
  /** Status codes of the final answers to our own PUBLISH requests, oldest first; given only when the buddy is our own address. */
  readonly ownPublishAnswers?: readonly number[];
}

/** How many of the recent PUBLISH answers must be 412 for our publication to count as looping. */
const PUBLICATION_LOOP_412S = 3;

/**
 * RFC 6665 §4.1.3's termination reasons (also RFC 3265 §3.2.4): a clause for one line ("Not watching: …"), and what
 * it means for the user.
 */
export const SUBSCRIPTION_END_REASONS: Readonly<Record<string, { readonly clause: string; readonly advice: (name: string) => string }>> = {
  deactivated: {
    clause: 'the server moved the subscription',
    advice: () =>
      'The server ended it so that Presently subscribes again at once (for example, it moved the subscription to another server); nothing needs doing.',
  },
  timeout: {
    clause: 'the subscription expired',
    advice: () =>
      'It expired before it was refreshed, usually after a lost connection or while the computer slept; Presently subscribes again at once.',
  },
  rejected: {
    clause: 'refused by the buddy or the server',
    advice: (name) => `${name}, or the server's policy, does not allow you to see their presence. Ask ${name} to allow you.`,
  },
  noresource: {
    clause: 'the server knows no such address',
    advice: () => 'The address does not exist (any more) on the server. Check it for typos.',
  },
  probation: {
    clause: 'the server paused the subscription',
    advice: () => 'The server asks to be left alone for a while; Presently waits for the time it gave before subscribing again.',
  },
  giveup: {
    clause: 'the buddy did not answer the request to watch them',
    advice: (name) => `The server waited for ${name} to authorise you and gave up. Ask ${name} to accept your request.`,
  },
  invariant: {
    clause: 'the server can no longer offer this presence',
    advice: () => 'This presence never changes on the server, so there is nothing to watch.',
  },
};

/** Explains why the buddy shows what it shows. */
export function explainPresence(input: ExplainPresenceInput): PresenceExplanation {
  const { subscription } = input.presence;
  const callId = lastCallId(input.history);
  const context = {
    ...(callId === undefined ? {} : { callId }),
    ...(subscription.retryAt === undefined ? {} : { retryAt: subscription.retryAt }),
  };
  return { ...explainPhase(input, subscription), ...context };
}

type Explained = Pick<PresenceExplanation, 'cause' | 'headline' | 'details'>;

function explainPhase(input: ExplainPresenceInput, subscription: SubscriptionState): Explained {
  const { name, presence } = input;
  switch (subscription.phase) {
    case 'error':
      return explainError(input, subscription.problem);
    case 'terminated':
      return explainEnd(name, subscription.reason);
    case 'pending':
      if (subscription.problem) return unreadable(subscription.problem);
      return {
        cause: 'pending',
        headline: `Waiting for ${name} to authorise you`,
        details: [
          `The server accepted the subscription but holds it as pending (RFC 6665 §4.1.3) until ${name}, or the server's policy, allows you to see their presence.`,
          `Ask ${name} to accept your request; nothing needs changing on your side.`,
        ],
      };
    case 'unknown':
      if (subscription.problem) return unreadable(subscription.problem);
      return explainWaiting(input.history);
    case 'active':
      if (input.ownPublishAnswers && isPublicationLooping(input.ownPublishAnswers)) return publicationLoop(input.ownPublishAnswers);
      if (!presence.presence) {
        if (subscription.problem) return unreadable(subscription.problem);
        return explainWaiting(input.history);
      }
      return explainActive(input, presence.presence);
  }
}

function explainError(input: ExplainPresenceInput, problem: SipProblem | undefined): Explained {
  const { name, history } = input;
  const aor = input.presence.aor;
  if (problem?.cause === 'timeout') {
    const times = trailingErrors(history, (p) => p.cause === 'timeout');
    return {
      cause: 'no-answer',
      headline: 'The server never answered the subscription',
      details: [
        `Presently sent SUBSCRIBE for ${aor} and nothing answered within the SIP transaction timeout (64×T1, RFC 3261 §17.1.2.2)${inARow(times)}.`,
        'The server may be down, a firewall may drop the messages, or the address may lead to a server that does not respond.',
      ],
    };
  }
  if (problem?.cause === 'unreachable' || problem?.cause === 'tls' || problem?.cause === 'connection-lost') {
    return {
      cause: 'unreachable',
      headline: 'Presently cannot reach the server',
      details: [problem.message, `Nobody can watch ${name} until the connection works; the account's status line says more.`],
    };
  }
  const answer = lastResponse(history);
  const code = problem?.statusCode ?? (answer && answer.statusCode >= 300 ? answer.statusCode : undefined);
  if (code === undefined) {
    if (answer && answer.statusCode < 300 && !history.some((e) => e.kind === 'notify' && e.callId === answer.callId)) {
      return {
        cause: 'no-answer',
        headline: 'The server accepted the subscription but never sent a NOTIFY',
        details: [
          `It answered ${answer.statusCode} ${answer.reason} but no NOTIFY followed, though a notifier must send one at once (RFC 6665 §4.2.1.2).`,
          'The server, or something between it and Presently, is not delivering its requests to this computer (a NAT or firewall often is).',
        ],
      };
    }
    return { cause: 'failed', headline: `Watching ${name} failed`, details: [problem?.message ?? 'The subscription failed.'] };
  }
  const said = answer?.statusCode === code ? `${code} ${answer.reason}`.trim() : `${code}`;
  const times = trailingResponses(history, code);
  const repeated = times > 1 ? [`The server gave that answer to the last ${times} attempts.`] : [];
  if (code === 408) {
    return {
      cause: 'no-answer',
      headline: 'The server got no answer for this address',
      details: [`It answered ${said}: it forwarded the subscription and nothing answered it in time.`, ...repeated],
    };
  }
  const refusal = REFUSALS[code];
  if (refusal) return { cause: 'refused', headline: refusal.headline(name, aor, said), details: [refusal.detail(name, said), ...repeated] };
  if (code === 480 || code >= 500) {
    return {
      cause: 'failed',
      headline: `The server could not take the subscription (${said})`,
      details: [
        code === 480
          ? `480 Temporarily Unavailable: the address exists but cannot be reached right now (RFC 3261 §21.4.18).`
          : `A ${code} is the server's own trouble (RFC 3261 §21.5), not a refusal; it usually passes.`,
        ...repeated,
      ],
    };
  }
  return {
    cause: 'refused',
    headline: `The server refused to let you watch ${aor} (${said})`,
    details: [problem?.message ?? `It answered ${said}.`, ...repeated],
  };
}

/** What a refusal means: the headline and the sentence saying what to do. */
interface Refusal {
  readonly headline: (name: string, aor: string, said: string) => string;
  readonly detail: (name: string, said: string) => string;
}

/** 401 and 407: the server (or a proxy) wants credentials (RFC 3261 §22). */
const CREDENTIALS_REFUSAL: Refusal = {
  headline: (_name, _aor, said) => `The server wants credentials Presently does not have (${said})`,
  detail: () =>
    'The server asks who you are (RFC 3261 §22) and did not accept what Presently sent. Check the user name and password in Settings.',
};

/** Refusals a person has to lift, by status code: what the code means and what to do. */
const REFUSALS: Readonly<Record<number, Refusal>> = {
  401: CREDENTIALS_REFUSAL,
  407: CREDENTIALS_REFUSAL,
  403: {
    headline: (name, _aor, said) => `The server refuses to show you ${name}'s presence (${said})`,
    detail: (name) =>
      `403 Forbidden (RFC 3261 §21.4.4): the server understood the request and will not allow it — its policy does not let your account watch this address, or ${name} has blocked you. Ask ${name} or the server's administrator.`,
  },
  404: {
    headline: (_name, aor, said) => `The server does not know ${aor} (${said})`,
    detail: (name) =>
      `404 Not Found (RFC 3261 §21.4.5): there is no such user on this server. Check the address for typos, and that ${name} has an account on this domain.`,
  },
  405: {
    headline: (_name, _aor, said) => `The server does not take subscriptions (${said})`,
    detail: () => '405 Method Not Allowed (RFC 3261 §21.4.6): this server or address does not accept SUBSCRIBE at all.',
  },
  489: {
    headline: (_name, aor, said) => `The server does not offer presence for ${aor} (${said})`,
    detail: () =>
      '489 Bad Event (RFC 6665 §8.3.1): the server does not support the presence event package here, so nobody can watch this address on it. Some installations keep presence on a separate server; ask the administrator.',
  },
  501: {
    headline: (_name, _aor, said) => `The server does not take subscriptions (${said})`,
    detail: () => '501 Not Implemented (RFC 3261 §21.5.2): this server does not implement SUBSCRIBE.',
  },
};

function explainEnd(name: string, reason: string | undefined): Explained {
  const known = reason === undefined ? undefined : SUBSCRIPTION_END_REASONS[reason];
  return {
    cause: 'ended',
    headline: reason === undefined ? 'The server ended the subscription' : `The server ended the subscription (reason: ${reason})`,
    details: [
      known
        ? `“${reason}” (RFC 6665 §4.1.3): ${known.clause}. ${known.advice(name)}`
        : `It sent a final NOTIFY (terminated) ${reason === undefined ? 'without a reason' : `with the reason “${reason}”, which RFC 6665 §4.1.3 does not define`}.`,
    ],
  };
}

function explainWaiting(history: readonly SubscriptionHistoryEvent[]): Explained {
  const last = history.findLast((e) => e.kind !== 'state');
  if (last?.kind === 'subscribe') {
    return {
      cause: 'waiting',
      headline: 'No answer from the server yet',
      details: ['Presently has asked the server (SUBSCRIBE) and is waiting for its answer and the first NOTIFY.'],
    };
  }
  if (last?.kind === 'response' && last.statusCode < 300) {
    return {
      cause: 'waiting',
      headline: 'No presence from the server yet',
      details: [`The server accepted the subscription (${last.statusCode} ${last.reason}); its first NOTIFY has not arrived yet.`],
    };
  }
  return {
    cause: 'waiting',
    headline: 'Not subscribed yet',
    details: ['Presently subscribes once it is connected to the server; the account status line says how far it is.'],
  };
}

function explainActive(input: ExplainPresenceInput, summary: PresenceSummary): Explained {
  const { name, history } = input;
  const aor = input.presence.aor;
  const warning = input.presence.subscription.problem
    ? [`The last update could not be used: ${input.presence.subscription.problem.message}`]
    : [];
  if (summary.devices.every((device) => device.id === CLOSED_TUPLE_ID)) {
    const notify = history.findLast((e) => e.kind === 'notify');
    const carried =
      notify && !notify.hasBody
        ? 'its NOTIFY carried no presence document'
        : summary.devices.length === 0
          ? 'its presence document lists no device (no tuple)'
          : "its presence document is the server's stand-in for “nobody published” (one closed tuple)";
    return {
      cause: 'no-publication',
      headline: `No device of ${name}'s is publishing presence`,
      details: [
        `The subscription is active, but the server holds no publication for ${aor}: ${carried}.`,
        `${name}'s phone or client is switched off, signed out, or does not publish presence (PUBLISH, RFC 3903) to this server. Presently shows ${name} offline until one does.`,
        ...warning,
      ],
    };
  }
  if (summary.status === 'offline') {
    const count = summary.devices.length;
    return {
      cause: 'published-offline',
      headline: `${name} publishes “offline”`,
      details: [
        `${count === 1 ? 'One device publishes' : `${count} devices publish`} presence for ${aor}, and ${count === 1 ? 'it says' : 'all say'} offline.`,
        `That is ${name}'s choice or their client's (appearing offline, or signing out); nothing is wrong with the subscription.`,
        ...warning,
      ],
    };
  }
  if (summary.status === 'unknown') {
    return {
      cause: 'published-unknown',
      headline: `${name}'s presence says nothing about availability`,
      details: [
        `Presence for ${aor} arrives, but no part of it says whether ${name} is available (no open or closed status, no activity) — for example a client that publishes only a location.`,
        `Presently shows “Unknown” rather than guessing “offline”.`,
        ...warning,
      ],
    };
  }
  return {
    cause: 'online',
    headline: `${name} is ${PRESENCE_STATUS_LABELS[summary.status].toLocaleLowerCase()}`,
    details: [`The subscription is active and ${name}'s presence arrives.`, ...warning],
  };
}

function unreadable(problem: SipProblem): Explained {
  return {
    cause: 'unreadable-update',
    headline: "Presently could not use the server's last update",
    details: [problem.message, 'The trace shows the NOTIFY it sent.'],
  };
}

/** Our publication loops when several of the recent PUBLISH answers are 412: the server keeps forgetting our entity tag. */
function isPublicationLooping(answers: readonly number[]): boolean {
  return answers.filter((code) => code === 412).length >= PUBLICATION_LOOP_412S;
}

function publicationLoop(answers: readonly number[]): Explained {
  const count = answers.filter((code) => code === 412).length;
  return {
    cause: 'publication-loop',
    headline: 'Your own publication keeps failing with 412',
    details: [
      `${count} of the last ${answers.length} answers to your PUBLISH requests were 412 Conditional Request Failed (RFC 3903 §4.1): the server keeps forgetting the entity tag of your publication, so refreshes fail and Presently publishes afresh each time.`,
      'Watchers may see you go offline in between. The server is losing its publications (restarts, or a cluster without shared state); tell its administrator.',
    ],
  };
}

function lastCallId(history: readonly SubscriptionHistoryEvent[]): string | undefined {
  return history.findLast((e) => e.kind !== 'state')?.callId;
}

function lastResponse(history: readonly SubscriptionHistoryEvent[]): Extract<SubscriptionHistoryEvent, { kind: 'response' }> | undefined {
  return history.findLast((e) => e.kind === 'response');
}

/**
 * How many of the latest attempts, newest back, were answered `code`. Each attempt is a dialog of its own (a new
 * Call-ID), so an answer retransmitted over UDP, or a challenge answered in the same dialog, is not another attempt.
 */
function trailingResponses(history: readonly SubscriptionHistoryEvent[], code: number): number {
  const attempts = new Set<string>();
  for (let i = history.length - 1; i >= 0; i--) {
    const event = history[i]!;
    if (event.kind !== 'response') continue;
    if (event.statusCode !== code) break;
    attempts.add(event.callId);
  }
  return attempts.size;
}

/** How many of the latest reported errors, newest back, match `test` (the states between attempts are skipped). */
function trailingErrors(history: readonly SubscriptionHistoryEvent[], test: (problem: SipProblem) => boolean): number {
  let count = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const event = history[i]!;
    if (event.kind !== 'state' || event.subscription.phase === 'unknown') continue;
    const problem = event.subscription.problem;
    if (event.subscription.phase !== 'error' || !problem || !test(problem)) break;
    count += 1;
  }
  return count;
}

/** ", 3 times in a row" for a repeated outcome; nothing for one. */
function inARow(times: number): string {
  return times > 1 ? `, ${times} times in a row` : '';
}
