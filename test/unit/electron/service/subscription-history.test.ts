/**
 * The buddy history's bookkeeping, fed SIP messages as the trace tap delivers them (the whole text of each) and
 * states as the engine reports them. The end-to-end path over sockets is test/integration/service/buddy-explanation.test.ts;
 * here are the bounds and the matching rules a real server rarely shows (412 loops, a Call-ID never seen).
 */
import { describe, expect, it } from 'vitest';
import { MAX_PUBLISH_ANSWERS, MAX_SUBSCRIPTION_HISTORY } from '../../../../shared/buddy/subscription-history';
import type { SubscriptionState } from '../../../../shared/presence/presence-state';
import type { UnnumberedTraceEntry } from '../../../../shared/trace/trace-entry';
import { SubscriptionHistory } from '../../../../electron/service/subscription-history';

const BOB = 'sip:bob@example.com';

function traced(direction: 'in' | 'out', lines: readonly string[], body = ''): UnnumberedTraceEntry {
  const raw = `${lines.join('\r\n')}\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  return {
    at: 1_000,
    direction,
    transport: 'udp',
    local: { address: '127.0.0.1', port: 5062 },
    remote: { address: '127.0.0.1', port: 5060 },
    raw,
  };
}

function subscribe(callId: string, to = `<${BOB}>`): UnnumberedTraceEntry {
  return traced('out', [
    `SUBSCRIBE ${BOB} SIP/2.0`,
    'Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK1',
    'From: <sip:alice@example.com>;tag=a1',
    `To: ${to}`,
    `Call-ID: ${callId}`,
    'CSeq: 1 SUBSCRIBE',
    'Event: presence',
    'Expires: 600',
  ]);
}

function answer(callId: string, status: string, method = 'SUBSCRIBE'): UnnumberedTraceEntry {
  return traced('in', [
    `SIP/2.0 ${status}`,
    'Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK1',
    'From: <sip:alice@example.com>;tag=a1',
    `To: <${BOB}>;tag=b1`,
    `Call-ID: ${callId}`,
    `CSeq: 1 ${method}`,
  ]);
}

function notify(callId: string, subscriptionState: string, body = ''): UnnumberedTraceEntry {
  return traced(
    'in',
    [
      'NOTIFY sip:alice@127.0.0.1:5062 SIP/2.0',
      'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK2',
      `From: <${BOB}>;tag=b1`,
      'To: <sip:alice@example.com>;tag=a1',
      `Call-ID: ${callId}`,
      'CSeq: 1 NOTIFY',
      'Event: presence',
      `Subscription-State: ${subscriptionState}`,
      ...(body ? ['Content-Type: application/pidf+xml'] : []),
    ],
    body,
  );
}

describe('the buddy history', () => {
  it('given a SUBSCRIBE, its answer and a NOTIFY, then they are recorded under the buddy the To header names', () => {
    const history = new SubscriptionHistory(() => 5);
    history.messageTraced(subscribe('c1', `"Bob" <sip:Bob@Example.com;transport=udp>`));
    history.messageTraced(answer('c1', '404 Not Found (domain not served here)'));
    history.messageTraced(notify('c1', 'terminated;reason=noresource'));
    expect(history.historyOf(BOB)).toEqual([
      { kind: 'subscribe', at: 1_000, callId: 'c1', expires: 600 },
      { kind: 'response', at: 1_000, callId: 'c1', statusCode: 404, reason: 'Not Found (domain not served here)' },
      { kind: 'notify', at: 1_000, callId: 'c1', state: 'terminated', reason: 'noresource', hasBody: false },
    ]);
  });

  it('given answers and NOTIFYs of a dialog we never opened, and provisional answers, then nothing is recorded', () => {
    const history = new SubscriptionHistory();
    history.messageTraced(answer('stranger', '200 OK'));
    history.messageTraced(notify('stranger', 'active;expires=60', '<presence/>'));
    history.messageTraced(subscribe('c1'));
    history.messageTraced(answer('c1', '100 Trying'));
    expect(history.historyOf(BOB).map((e) => e.kind)).toEqual(['subscribe']);
  });

  it('given the same state reported again with only a later expiry, then it is recorded once', () => {
    const history = new SubscriptionHistory(() => 7);
    const active: SubscriptionState = { phase: 'active', expiresAt: 1 };
    history.presenceReported({ aor: BOB, subscription: active, presence: null, changedAt: null });
    history.presenceReported({ aor: BOB, subscription: { ...active, expiresAt: 2 }, presence: null, changedAt: null });
    history.presenceReported({ aor: BOB, subscription: { phase: 'terminated', reason: 'timeout' }, presence: null, changedAt: null });
    expect(history.historyOf(BOB)).toEqual([
      { kind: 'state', at: 7, subscription: active },
      { kind: 'state', at: 7, subscription: { phase: 'terminated', reason: 'timeout' } },
    ]);
  });

  it('keeps the newest events per buddy and the newest PUBLISH answers only; forgetting a buddy drops its events', () => {
    const history = new SubscriptionHistory();
    for (let i = 0; i < MAX_SUBSCRIPTION_HISTORY + 5; i++) history.messageTraced(subscribe(`c${i}`));
    const events = history.historyOf(BOB);
    expect(events).toHaveLength(MAX_SUBSCRIPTION_HISTORY);
    expect(events.at(-1)).toMatchObject({ callId: `c${MAX_SUBSCRIPTION_HISTORY + 4}` });

    for (let i = 0; i < MAX_PUBLISH_ANSWERS; i++)
      history.messageTraced(answer(`p${i}`, i % 2 ? '412 Conditional Request Failed' : '200 OK', 'PUBLISH'));
    history.messageTraced(answer('p-last', '412 Conditional Request Failed', 'PUBLISH'));
    expect(history.ownPublishAnswers).toHaveLength(MAX_PUBLISH_ANSWERS);
    expect(history.ownPublishAnswers.at(-1)).toBe(412);
    expect(history.ownPublishAnswers.filter((code) => code === 412)).toHaveLength(MAX_PUBLISH_ANSWERS / 2 + 1);

    history.forget(BOB);
    expect(history.historyOf(BOB)).toEqual([]);
  });
});
