/**
 * The `client-notify` target: a real SipClient (the app's SIP engine) registered with a scripted notifier
 * over UDP on 127.0.0.1 and subscribed to bob's presence (RFC 6665, RFC 3856); the notifier then sends
 * damaged NOTIFYs inside that dialog. After each one a valid NOTIFY with a fresh note must be answered 200
 * and shown (the buddy's presence carries that note) within the deadline: no answer is a hang, an answer
 * without the note shown is `not-shown` (the damage broke the subscription silently).
 *
 * Inputs are NOTIFY templates whose dialog fields are placeholders (seeds/index.ts), filled in at send
 * time, so a saved input replays in any later dialog. A 500 from the client is a defect unless the
 * NOTIFY's CSeq was not above one already sent in the dialog: RFC 3261 §12.2.2 asks for 500 then.
 */
import { buildPidf } from '../../../shared/pidf';
import type { BuddyPresence } from '../../../shared/presence/presence-state';
import { SipClient } from '../../../electron/sip/sip-client';
import { answerRegister, ScriptedSipServer, type ScriptedRequest } from '../../support/sip/scripted-sip-server';
import { waitFor } from '../../support/sip/wait-for';
import { mutateOrKeep, mutateSip } from '../mutators';
import type { Prng } from '../prng';
import { NOTIFY_PLACEHOLDERS, notifySeeds, notifyTemplate } from '../seeds';
import { MAX_UDP_PAYLOAD, type Failure, type FuzzInput, type FuzzTarget, type InputResult } from './target';

const BOB = 'sip:bob@example.com';
/** RFC 3261 §8.1.1.5: a CSeq number is below 2^31. */
const MAX_CSEQ = 2 ** 31 - 1;

export interface ClientNotifyTargetOptions {
  /** How long the valid NOTIFY after an input may take to be answered and shown (default 2 s). */
  readonly deadlineMs?: number;
}

/** The dialog the notifier is in: what the placeholders stand for. */
interface Dialog {
  readonly subscribe: ScriptedRequest;
  readonly values: Record<keyof typeof NOTIFY_PLACEHOLDERS, string>;
}

function dialogOf(subscribe: ScriptedRequest, port: number): Dialog {
  const contact = /<([^>]+)>/.exec(subscribe.header('contact') ?? '')?.[1] ?? subscribe.requestUri;
  return {
    subscribe,
    values: {
      requestUri: contact,
      via: '', // per message: each NOTIFY is a new transaction with its own branch
      from: `${(subscribe.header('to') ?? '').replace(/;tag=[^;]*/, '')};tag=${subscribe.toTag}`,
      to: subscribe.header('from') ?? '',
      callId: subscribe.header('call-id') ?? '',
      cseq: '',
      contact: `<sip:presence@127.0.0.1:${port}>`,
    },
  };
}

let branchCounter = 0;

/** The template with the dialog's values; returns the text and the branch given to it. */
function fill(template: Buffer, dialog: Dialog, port: number, cseq: number): { bytes: Buffer; branch: string } {
  branchCounter += 1;
  const branch = `z9hG4bK-fuzz-${branchCounter}`;
  const values: Record<string, string> = { ...dialog.values, via: `SIP/2.0/UDP 127.0.0.1:${port};branch=${branch}`, cseq: String(cseq) };
  let text = template.toString('latin1');
  for (const [key, placeholder] of Object.entries(NOTIFY_PLACEHOLDERS)) text = text.split(placeholder).join(values[key] ?? '');
  return { bytes: Buffer.from(text, 'latin1'), branch };
}

/** The first CSeq number in a message, when it is a valid one. */
function cseqOf(text: string): number | null {
  const match = /\r?\n(?:CSeq)[ \t]*:[ \t]*(\d{1,10})\b/i.exec(text);
  const value = match === null ? null : Number(match[1]);
  return value !== null && value <= MAX_CSEQ ? value : null;
}

function branchOf(via: string | undefined): string | undefined {
  return /branch=([^;,\s]+)/.exec(via ?? '')?.[1];
}

/** The client-notify target. */
export function clientNotifyTarget(options: ClientNotifyTargetOptions = {}): FuzzTarget {
  const deadlineMs = options.deadlineMs ?? 2000;
  let server: ScriptedSipServer | undefined;
  let client: SipClient | undefined;
  let dialog: Dialog | undefined;
  let highestCseq = 0;
  let probeCounter = 0;

  const start = async (): Promise<void> => {
    const notifier = await ScriptedSipServer.start('udp');
    server = notifier;
    notifier.onRequest = (request) => {
      if (answerRegister(request)) return;
      if (request.method === 'SUBSCRIBE') {
        request.respond(200, 'OK', [`Expires: ${request.header('expires') ?? '600'}`]);
        // A new dialog (the client subscribed afresh): NOTIFYs go there from now on.
        if (dialog === undefined || request.header('call-id') !== dialog.values.callId) {
          dialog = dialogOf(request, notifier.port);
          highestCseq = 0;
        }
      } else request.respond(405, 'Method Not Allowed');
    };
    client = new SipClient(
      {
        aor: 'sip:alice@example.com',
        server: notifier.uri,
        register: true,
        publish: false,
        registerExpires: 600,
        publishExpires: 600,
        subscribeExpires: 600,
      },
      { timers: { t1: 50, t2: 400, retryBase: 100, retryMax: 500 } },
    );
    const state = await client.start();
    if (state.phase !== 'registered') throw new Error(`the client did not register with the scripted notifier: ${JSON.stringify(state)}`);
    client.watch(BOB);
    await notifier.waitForRequest((r) => r.method === 'SUBSCRIBE', 5000, 'the SUBSCRIBE');
    if (!(await probe()).shown) throw new Error('the first valid NOTIFY was not shown: the target cannot start');
  };

  const stop = async (): Promise<void> => {
    await client?.stop({ timeoutMs: 200 });
    await server?.close();
    client = undefined;
    server = undefined;
    dialog = undefined;
  };

  /** Sends a valid NOTIFY with a fresh note; resolves with its answer and whether the note was shown. */
  const probe = async (): Promise<{ status: number | null; shown: boolean }> => {
    if (server === undefined || client === undefined || dialog === undefined) return { status: null, shown: false };
    probeCounter += 1;
    const note = `probe ${probeCounter}`;
    const watcher = client;
    const shown = waitFor<BuddyPresence>(watcher.onBuddy.bind(watcher), (b) => b.aor === BOB && b.presence?.note === note, {
      timeoutMs: deadlineMs,
      what: note,
    }).then(
      () => true,
      () => false,
    );
    const body = buildPidf({ entity: BOB, tupleId: 'bob-phone', status: 'available', note, timestamp: new Date() });
    const template = Buffer.from(notifyTemplate('active;expires=600', { contentType: 'application/pidf+xml', content: body }), 'latin1');
    highestCseq += 1;
    const { bytes, branch } = fill(template, dialog, server.port, highestCseq);
    dialog.subscribe.flow.send(bytes);
    const answer = await server
      .waitForResponse(
        (r) => r.cseqMethod === 'NOTIFY' && branchOf(r.header('via')) === branch,
        deadlineMs,
        'the answer to the valid NOTIFY',
      )
      .then(
        (response) => response.statusCode,
        () => null,
      );
    return { status: answer, shown: answer === 200 && (await shown) };
  };

  return {
    name: 'client-notify',
    generate(rng: Prng): FuzzInput {
      const seed = rng.pick(notifySeeds());
      const mutation = mutateOrKeep(seed.text, rng, mutateSip);
      return { bytes: Buffer.from(mutation.text, 'latin1').subarray(0, MAX_UDP_PAYLOAD), seedName: seed.name, mutators: mutation.applied };
    },
    start,
    async run(template: Buffer): Promise<InputResult> {
      if (server === undefined || dialog === undefined) throw new Error('client-notify target not started');
      const notifier = server;
      notifier.responses.splice(0); // only this input's answers are looked at; the list must not grow for a million
      const startedAt = performance.now();
      const cseqBefore = highestCseq;
      const { bytes, branch } = fill(template, dialog, notifier.port, highestCseq + 1);
      const sentCseq = cseqOf(bytes.toString('latin1'));
      if (sentCseq !== null) highestCseq = Math.max(highestCseq, sentCseq);
      dialog.subscribe.flow.send(bytes);
      const result = await probe();
      const ms = performance.now() - startedAt;

      const outcomes: string[] = [];
      const failures: Failure[] = [];
      for (const response of notifier.responses) {
        if (response.cseqMethod !== 'NOTIFY' || branchOf(response.header('via')) !== branch) continue;
        const cseq = cseqOf(response.raw) ?? Number.POSITIVE_INFINITY;
        if (response.statusCode === 500 && cseq <= cseqBefore) outcomes.push('expected-500');
        else {
          outcomes.push(String(response.statusCode));
          if (response.statusCode === 500) failures.push({ kind: 'status-500', detail: response.raw.split('\r\n')[0] ?? '500' });
        }
      }
      if (outcomes.length === 0) outcomes.push('silent');
      if (result.status === null)
        failures.push({ kind: 'hang', detail: `the valid NOTIFY after the input was not answered within ${deadlineMs} ms` });
      else if (!result.shown) {
        const buddy = client?.buddies.find((b) => b.aor === BOB);
        if (outcomes.includes('200') && buddy?.subscription.phase === 'terminated') {
          // The mutated NOTIFY was a well-formed `Subscription-State: terminated` (a damaged value can still be
          // valid): the client accepted the end, as RFC 6665 §4.1.3 says, so the probe's 481 is right. Not a
          // defect; a fresh dialog is needed for the next input.
          outcomes.push('ended-by-input');
          await stop();
          await start();
          return { ms, outcomes, failures };
        }
        failures.push({
          kind: 'not-shown',
          detail: `the valid NOTIFY after the input was answered ${result.status} but not shown (subscription ${JSON.stringify(buddy?.subscription ?? null)})`,
        });
      }
      return { ms, outcomes, failures };
    },
    async restart() {
      await stop();
      await start();
    },
    stop,
  };
}
