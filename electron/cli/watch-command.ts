/**
 * `presently watch`: subscribe to buddies' presence (RFC 6665, RFC 3856) and print one JSON line per
 * change until Ctrl-C — the subscription state (pending, active, terminated, …), the status, the note,
 * the RPID activities and one entry per device (PIDF tuple). `--list URI` watches them through one resource
 * list subscription (RFC 4662); `--event dialog` adds each buddy's line state (RFC 4235); `--event
 * message-summary` watches our own mailbox (RFC 3842) instead. `--trace` prints the SIP messages on stderr.
 */
import { parseArgs } from 'node:util';
import type { BuddyListFeed, BuddyPresence, VoicemailState } from '../../shared/presence/presence-state';
import { T2_MS } from '../../shared/sip/timers';
import { parseSipUri, SipClient, SipConfigError } from '../sip/sip-client';
import { MAX_EXPIRES_SECONDS } from '../sip/usage/refresh-policy';
import {
  ACCOUNT_HELP,
  ACCOUNT_OPTIONS,
  accountFromOptions,
  describeFailedStart,
  EXIT,
  exitCodeFor,
  formatTraceEntry,
  integerOption,
  processIo,
  type SipCommandIo,
  UsageError,
} from './sip-cli-common';
import type { Subcommand } from './subcommand';

const HELP = `Usage: presently watch [BUDDY-AOR …] --aor SIP-URI --server SIP-URI [options]

Subscribes to each buddy's presence (SUBSCRIBE/NOTIFY, RFC 6665 and RFC 3856) and prints one JSON line
per change on stdout until Ctrl-C:
  {"aor":…,"state":"active","status":"busy","note":…,"activities":[…],"tuples":[…]}
"state" is unknown (no answer yet), pending (awaiting the buddy's authorisation), active, terminated
(with "reason") or error (with "problem"). "status" is null until a NOTIFY carried a document.

Watching:
  --event PACKAGE         presence (default); dialog: also each buddy's line, "line":"idle|ringing|
                          on-the-phone|unknown" (RFC 4235); message-summary: your own mailbox instead,
                          {"account":…,"availability":…,"waiting":true,"counts":[…]} (RFC 3842)
  --list URI              watch through one resource list subscription (RFC 4662, Supported: eventlist);
                          without BUDDY-AORs, every member of the list. If the server refuses the list,
                          a {"feed":"per-buddy","problem":…} line says so and each buddy is watched alone.
  --expires SECONDS       subscription interval (default 600)

${ACCOUNT_HELP}

Exit codes: 0 stopped with Ctrl-C, 1 other SIP failure, 2 bad usage, 3 server unreachable,
4 refused (401/403/407), 6 no answer (timeout).`;

export const watchCommand: Subcommand = {
  summary: "watch buddies' presence, one JSON line per change (RFC 6665 SUBSCRIBE)",
  run: (args) => runWatchCommand(args, processIo()),
};

/** The packages `--event` takes. */
const WATCH_EVENTS = ['presence', 'dialog', 'message-summary'] as const;
type WatchEvent = (typeof WATCH_EVENTS)[number];

/** The JSON line printed for our mailbox. */
export function voicemailLine(voicemail: VoicemailState): string {
  return JSON.stringify({
    account: voicemail.account,
    availability: voicemail.availability,
    waiting: voicemail.isWaiting,
    ...(voicemail.mailbox === null ? {} : { mailbox: voicemail.mailbox }),
    counts: voicemail.counts.map((c) => ({ class: c.messageClass, new: c.newMessages, old: c.oldMessages })),
    ...(voicemail.problem === null ? {} : { problem: voicemail.problem.message }),
  });
}

/** The JSON line printed when the list subscription's feed changes kind (a fallback). */
export function feedLine(feed: BuddyListFeed): string {
  return JSON.stringify({ feed: feed.kind, list: feed.listUri, ...(feed.problem === null ? {} : { problem: feed.problem.message }) });
}

/** The JSON line printed for a buddy. */
export function buddyLine(buddy: BuddyPresence): string {
  const { subscription, presence } = buddy;
  return JSON.stringify({
    aor: buddy.aor,
    state: subscription.phase,
    ...(subscription.reason === undefined ? {} : { reason: subscription.reason }),
    status: presence?.status ?? null,
    note: presence?.note ?? null,
    activities: presence?.activities ?? [],
    tuples: (presence?.devices ?? []).map((d) => ({ id: d.id, status: d.status, note: d.note, contact: d.contact })),
    ...(subscription.problem ? { problem: subscription.problem.message } : {}),
    ...(subscription.retryAt === undefined ? {} : { retryAt: new Date(subscription.retryAt).toISOString() }),
    ...(buddy.line === undefined ? {} : { line: buddy.line.activity, lineOffered: buddy.line.offered }),
  });
}

export async function runWatchCommand(args: readonly string[], io: SipCommandIo): Promise<number> {
  let client: SipClient;
  let buddies: string[];
  let trace: boolean;
  let event: WatchEvent;
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...ACCOUNT_OPTIONS, expires: { type: 'string' }, event: { type: 'string' }, list: { type: 'string' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      io.out(HELP);
      return EXIT.ok;
    }
    const chosen = values.event ?? 'presence';
    if (!(WATCH_EVENTS as readonly string[]).includes(chosen))
      throw new UsageError(`--event is one of ${WATCH_EVENTS.join(', ')} (got "${chosen}").`);
    event = chosen as WatchEvent;
    const list = values.list?.trim();
    if (list !== undefined) parseSipUri(list, 'The list URI');
    if (event === 'message-summary' && (positionals.length > 0 || list !== undefined))
      throw new UsageError('--event message-summary watches your own mailbox: name no buddies and no --list.');
    if (event !== 'message-summary' && positionals.length === 0 && list === undefined)
      throw new UsageError('name at least one buddy to watch, e.g. sip:bob@example.com, or a --list.');
    for (const aor of positionals) parseSipUri(aor, 'The buddy address');
    buddies = positionals;
    trace = values.trace === true;
    const { config, t1 } = accountFromOptions(values, io.env, {
      publish: false,
      publishExpires: 600,
      subscribeExpires: integerOption('expires', values.expires, 600, 1, MAX_EXPIRES_SECONDS),
    });
    client = new SipClient(
      {
        ...config,
        ...(list === undefined ? {} : { presenceListUri: list, watchListMembers: positionals.length === 0 }),
        ...(event === 'dialog' ? { lineState: true } : {}),
        ...(event === 'message-summary' ? { messageSummary: true } : {}),
      },
      t1 === undefined ? {} : { timers: { t1, t2: Math.max(t1 * 8, T2_MS) } },
    );
  } catch (error) {
    if (error instanceof UsageError || error instanceof SipConfigError || (error instanceof Error && 'code' in error)) {
      io.err(`presently watch: ${error.message}\n(see presently watch --help)`);
      return EXIT.usage;
    }
    throw error;
  }

  if (trace) client.onTrace((entry) => io.err(formatTraceEntry(entry)));
  const lastLine = new Map<string, string>();
  client.onVoicemail((voicemail) => {
    const line = voicemailLine(voicemail);
    if (lastLine.get('') === line) return;
    lastLine.set('', line);
    io.out(line);
  });
  client.onBuddyFeed((feed) => {
    if (feed.kind === 'per-buddy') io.out(feedLine(feed));
  });
  client.onBuddy((buddy) => {
    const line = buddyLine(buddy);
    if (lastLine.get(buddy.aor) === line) return;
    lastLine.set(buddy.aor, line);
    io.out(line);
  });
  let isStarted = false;
  client.onAccountState((state) => {
    // Before the first attempt has settled, its failure is reported once below, with the exit code.
    if (isStarted && state.phase === 'failed' && state.problem)
      io.err(
        `presently watch: ${state.problem.message}${state.retryAt ? ` (retrying in ${Math.round((state.retryAt - Date.now()) / 1000)} s)` : ''}`,
      );
  });

  const started = await client.start();
  isStarted = true;
  if (started.phase === 'failed') {
    io.err(`presently watch: ${describeFailedStart(started)}`);
    await client.stop({ timeoutMs: 1_000 });
    return exitCodeFor(started.problem);
  }
  for (const aor of buddies) client.watch(aor);
  await io.stopRequested;
  await client.stop({ timeoutMs: 5_000 });
  return EXIT.ok;
}
