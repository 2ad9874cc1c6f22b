/**
 * The watcher of `npm run bench:buddies`, in its own process so that its resident memory is the engine's alone: one
 * SipClient (RFC 3261 default timers) watches `--count` buddies `sip:buddyN@example.com` on `--server`, and prints one
 * JSON line when every buddy shows the status `--status` (or when `--timeout` seconds have passed):
 *
 *   { shownMs, shown99Ms, shown, maxInFlight, dialogs, retransmissions, connectionResets, rssBefore, rssAfter, heapBefore, heapAfter,
 *     notShown, refusedNotifies, pacer }
 *
 * SUBSCRIBEs in flight and retransmissions are counted from the trace tap (the wire), not from the pacer.
 * `--list URI` feeds them through one resource list subscription instead. `--pacing off` restores the burst of the engine before pacing (every SUBSCRIBE at once); `--heap-snapshot FILE`
 * writes the heap once every buddy is shown, to see what each buddy keeps alive.
 */
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { SipClient } from '../../electron/sip/sip-client';
import { testAccount } from '../support/sip/test-account';

const { values: args } = parseArgs({
  options: {
    server: { type: 'string' },
    count: { type: 'string', default: '5000' },
    status: { type: 'string', default: 'busy' },
    pacing: { type: 'string', default: 'on' },
    watcher: { type: 'string', default: 'watcher' },
    timeout: { type: 'string', default: '90' },
    /** Writes a heap snapshot here once every buddy is shown (open it in Chromium's DevTools, Memory tab). */
    'heap-snapshot': { type: 'string' },
    /** The buddies come through one resource list subscription to this list URI (the account's presence list URI). */
    list: { type: 'string' },
  },
});
const server = args.server;
if (server === undefined) throw new Error('--server is required');
const count = Number(args.count);

const header = (raw: string, name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(raw)?.[1]?.trim() ?? '';
const open = new Set<string>();
const sentRequests = new Set<string>();
let maxInFlight = 0;
/** Subscription dialogs opened: initial SUBSCRIBEs (no To tag), each Call-ID once. */
const dialogsOpened = new Set<string>();
let retransmissions = 0;
let connectionResets = 0;
/** NOTIFYs we answered with something other than 200, by status code. */
const refusedNotifies: Record<string, number> = {};

global.gc?.();
const { rss: rssBefore, heapUsed: heapBefore } = process.memoryUsage();
const client = new SipClient(
  testAccount(`sip:${args.watcher}@example.com`, server, {
    publish: false,
    ...(args.list === undefined ? {} : { presenceListUri: args.list }),
  }),
  {
    ...(args.pacing === 'off' ? { subscribePacing: 'off' as const } : {}),
  },
);
client.onTrace(({ direction, raw }) => {
  if (direction === 'out' && raw.startsWith('SIP/2.0') && !raw.startsWith('SIP/2.0 200') && /\bNOTIFY$/i.test(header(raw, 'cseq'))) {
    const code = raw.slice(8, 11);
    refusedNotifies[code] = (refusedNotifies[code] ?? 0) + 1;
  }
  if (direction === 'out' && !raw.startsWith('SIP/2.0')) {
    const key = `${header(raw, 'call-id')} ${header(raw, 'cseq')}`;
    if (sentRequests.has(key)) retransmissions += 1;
    else sentRequests.add(key);
    if (raw.startsWith('SUBSCRIBE ') && !/;\s*tag=/i.test(header(raw, 'to'))) {
      open.add(header(raw, 'call-id'));
      dialogsOpened.add(header(raw, 'call-id'));
      maxInFlight = Math.max(maxInFlight, open.size);
    }
  } else if (direction === 'in' && /^SIP\/2\.0 [2-6]\d\d /.test(raw) && /\bSUBSCRIBE$/i.test(header(raw, 'cseq'))) {
    open.delete(header(raw, 'call-id'));
  }
});
let wasUp = false;
client.onAccountState((state) => {
  if (state.phase === 'registered' || state.phase === 'connected') wasUp = true;
  else if (state.phase === 'failed' && wasUp) {
    connectionResets += 1;
    wasUp = false;
    // The transactions of the lost connection are void: they are no longer in flight.
    open.clear();
  }
});

const shown = new Set<string>();
/** When 99 % were shown: tells a long tail (a few buddies retried late) from a slow whole. */
let shown99Ms: number | undefined;
const started = Date.now();
const done = new Promise<void>((resolve) => {
  client.onBuddy((buddy) => {
    if (buddy.subscription.phase === 'active' && buddy.presence?.status === args.status) shown.add(buddy.aor);
    if (shown99Ms === undefined && shown.size >= Math.ceil(count * 0.99)) shown99Ms = Date.now() - started;
    if (shown.size === count) resolve();
  });
  setTimeout(resolve, Number(args.timeout) * 1000);
});
for (let i = 0; i < count; i += 1) client.watch(`sip:buddy${i}@example.com`);
await client.start();
await done;
const shownMs = Date.now() - started;
global.gc?.();
// The JavaScript heap after a full collection is what the live buddies hold; resident memory adds the allocator's slack.
const { rss: rssAfter, heapUsed: heapAfter } = process.memoryUsage();
if (args['heap-snapshot'] !== undefined) writeHeapSnapshot(args['heap-snapshot']);
/** Where the buddies not shown stand, by subscription phase (and presence status), to tell a slow server from a stuck engine. */
const notShown: Record<string, number> = {};
for (const buddy of client.buddies) {
  if (shown.has(buddy.aor)) continue;
  const key = `${buddy.subscription.phase}/${buddy.presence?.status ?? 'none'}`;
  notShown[key] = (notShown[key] ?? 0) + 1;
}
process.stdout.write(
  JSON.stringify({
    shownMs,
    shown99Ms: shown99Ms ?? null,
    shown: shown.size,
    maxInFlight,
    dialogs: dialogsOpened.size,
    retransmissions,
    connectionResets,
    rssBefore,
    rssAfter,
    heapBefore,
    heapAfter,
    notShown,
    refusedNotifies,
    pacer: client.subscribePacing,
  }) + '\n',
);
await client.stop({ timeoutMs: 5_000 });
process.exit(0);
