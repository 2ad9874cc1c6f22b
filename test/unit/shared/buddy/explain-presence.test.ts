import { describe, expect, it } from 'vitest';
import { explainPresence, type ExplainPresenceInput } from '../../../../shared/buddy/explain-presence';
import type { SubscriptionHistoryEvent } from '../../../../shared/buddy/subscription-history';
import { CLOSED_TUPLE_ID } from '../../../../shared/pidf';
import type { BuddyPresence, DevicePresence, PresenceSummary, SubscriptionState } from '../../../../shared/presence/presence-state';

const AOR = 'sip:bob@example.com';
const CALL_1 = 'call-1@client';
const CALL_2 = 'call-2@client';
const AT = 1_700_000_000_000;

function input(
  subscription: SubscriptionState,
  history: readonly SubscriptionHistoryEvent[],
  presence: PresenceSummary | null = null,
  extra: Partial<ExplainPresenceInput> = {},
): ExplainPresenceInput {
  const buddy: BuddyPresence = { aor: AOR, subscription, presence, changedAt: presence ? AT : null };
  return { name: 'Bob', presence: buddy, history, ...extra };
}

const subscribe = (callId: string, at = AT): SubscriptionHistoryEvent => ({ kind: 'subscribe', at, callId, expires: 600 });
const response = (callId: string, statusCode: number, reason: string, at = AT): SubscriptionHistoryEvent => ({
  kind: 'response',
  at,
  callId,
  statusCode,
  reason,
});
const notify = (callId: string, state: string, hasBody: boolean, reason = ''): SubscriptionHistoryEvent => ({
  kind: 'notify',
  at: AT,
  callId,
  state,
  reason,
  hasBody,
});
const state = (subscription: SubscriptionState): SubscriptionHistoryEvent => ({ kind: 'state', at: AT, subscription });

function device(status: DevicePresence['status']): DevicePresence {
  return { id: 't1', status, note: null, contact: null, label: 'Desk phone', timestamp: null };
}

/** A refusal as the engine reports it and the history holds it: SUBSCRIBE, its answer, the error state. */
function refusedWith(code: number, reason: string) {
  const error: SubscriptionState = {
    phase: 'error',
    problem: { statusCode: code, message: `Watching ${AOR} failed (${code} ${reason}).` },
    retryAt: AT + 600_000,
  };
  return input(error, [subscribe(CALL_1), response(CALL_1, code, reason), state(error)]);
}

describe('explaining why a buddy shows what it shows', () => {
  it('given a 404 answer, then it is a refusal saying the server knows no such user, with the Call-ID and the retry time', () => {
    const explanation = explainPresence(refusedWith(404, 'Not Found'));
    expect(explanation).toMatchObject({ cause: 'refused', callId: CALL_1, retryAt: AT + 600_000 });
    expect(explanation.headline).toBe(`The server does not know ${AOR} (404 Not Found)`);
    expect(explanation.details.join(' ')).toMatch(/no such user on this server.*typos/);
  });

  it('given a 403 answer, then it is a refusal saying the policy (or the buddy) does not allow watching', () => {
    const explanation = explainPresence(refusedWith(403, 'Forbidden'));
    expect(explanation.cause).toBe('refused');
    expect(explanation.headline).toBe("The server refuses to show you Bob's presence (403 Forbidden)");
    expect(explanation.details.join(' ')).toMatch(/will not allow it.*policy.*blocked you/);
  });

  it('given a 489 answer, then it is a refusal saying the server does not offer the presence event package', () => {
    const explanation = explainPresence(refusedWith(489, 'Bad Event'));
    expect(explanation.cause).toBe('refused');
    expect(explanation.headline).toBe(`The server does not offer presence for ${AOR} (489 Bad Event)`);
    expect(explanation.details.join(' ')).toMatch(/does not support the presence event package/);
  });

  it('given the same refusal to several attempts, then it says how many in a row and points at the latest attempt', () => {
    const error: SubscriptionState = { phase: 'error', problem: { statusCode: 404, message: 'failed' } };
    const history = [
      subscribe(CALL_1),
      response(CALL_1, 404, 'Not Found'),
      state(error),
      subscribe(CALL_2),
      response(CALL_2, 404, 'Not Found'),
      // The same answer again over UDP: not a third attempt.
      response(CALL_2, 404, 'Not Found'),
      state(error),
    ];
    const explanation = explainPresence(input(error, history));
    expect(explanation.callId).toBe(CALL_2);
    expect(explanation.details).toContain('The server gave that answer to the last 2 attempts.');
  });

  it('given SUBSCRIBEs nothing answered, then it is "never answered", counting the attempts', () => {
    const timeout: SubscriptionState = { phase: 'error', problem: { message: 'no answer', cause: 'timeout' }, retryAt: AT + 5_000 };
    const history = [
      subscribe(CALL_1),
      state(timeout),
      state({ phase: 'unknown' }),
      subscribe(CALL_2),
      state({ ...timeout, retryAt: AT + 9_000 }),
    ];
    const explanation = explainPresence(input({ ...timeout, retryAt: AT + 9_000 }, history));
    expect(explanation).toMatchObject({ cause: 'no-answer', headline: 'The server never answered the subscription', callId: CALL_2 });
    expect(explanation.details[0]).toMatch(/nothing answered within the SIP transaction timeout .*, 2 times in a row\./);
  });

  it('given a 2xx with no NOTIFY after it, then it is "never answered": the NOTIFY did not arrive', () => {
    const noNotify: SubscriptionState = {
      phase: 'error',
      problem: { message: 'Subscription failed: the server accepted it but sent no NOTIFY.' },
    };
    const explanation = explainPresence(input(noNotify, [subscribe(CALL_1), response(CALL_1, 200, 'OK'), state(noNotify)]));
    expect(explanation).toMatchObject({ cause: 'no-answer', headline: 'The server accepted the subscription but never sent a NOTIFY' });
    expect(explanation.details.join(' ')).toMatch(/NAT or firewall/);
  });

  it('given a 408 from the server, then it is "never answered" further on', () => {
    const explanation = explainPresence(refusedWith(408, 'Request Timeout'));
    expect(explanation.cause).toBe('no-answer');
    expect(explanation.details[0]).toMatch(/408 Request Timeout/);
  });

  it('given the server unreachable, then it says so with the engine’s reason', () => {
    const unreachable: SubscriptionState = {
      phase: 'error',
      problem: { message: 'Not watching: the server could not be reached.', cause: 'unreachable' },
    };
    const explanation = explainPresence(input(unreachable, [state(unreachable)]));
    expect(explanation).toMatchObject({ cause: 'unreachable', headline: 'Presently cannot reach the server' });
    expect(explanation.details[0]).toBe('Not watching: the server could not be reached.');
    expect(explanation.callId).toBeUndefined();
  });

  it('given a 503, then it is the server failing, not a refusal', () => {
    const explanation = explainPresence(refusedWith(503, 'Service Unavailable'));
    expect(explanation).toMatchObject({
      cause: 'failed',
      headline: 'The server could not take the subscription (503 Service Unavailable)',
    });
  });

  it('given a pending subscription, then it is waiting for the buddy to authorise us', () => {
    const pending: SubscriptionState = { phase: 'pending', expiresAt: AT + 600_000 };
    const explanation = explainPresence(
      input(pending, [subscribe(CALL_1), response(CALL_1, 202, 'Accepted'), notify(CALL_1, 'pending', false)]),
    );
    expect(explanation).toMatchObject({ cause: 'pending', headline: 'Waiting for Bob to authorise you', callId: CALL_1 });
    expect(explanation.details.join(' ')).toMatch(/pending \(RFC 6665 §4\.1\.3\).*Ask Bob to accept/);
  });

  it('given an active subscription whose NOTIFY had no body, then no device of the buddy publishes presence', () => {
    const active: SubscriptionState = { phase: 'active' };
    const none: PresenceSummary = { status: 'offline', note: null, activities: [], devices: [] };
    const explanation = explainPresence(
      input(active, [subscribe(CALL_1), response(CALL_1, 200, 'OK'), notify(CALL_1, 'active', false)], none),
    );
    expect(explanation).toMatchObject({ cause: 'no-publication', headline: "No device of Bob's is publishing presence", callId: CALL_1 });
    expect(explanation.details[0]).toBe(
      `The subscription is active, but the server holds no publication for ${AOR}: its NOTIFY carried no presence document.`,
    );
  });

  it('given an active subscription whose document has no tuple, then no device publishes either, and it says why', () => {
    const none: PresenceSummary = { status: 'offline', note: null, activities: [], devices: [] };
    const explanation = explainPresence(input({ phase: 'active' }, [notify(CALL_1, 'active', true)], none));
    expect(explanation.cause).toBe('no-publication');
    expect(explanation.details[0]).toMatch(/its presence document lists no device \(no tuple\)\.$/);
  });

  it('given only the built-in server’s closed stand-in tuple, then no device publishes either', () => {
    const standIn: PresenceSummary = {
      status: 'offline',
      note: null,
      activities: [],
      devices: [{ ...device('offline'), id: CLOSED_TUPLE_ID }],
    };
    const explanation = explainPresence(input({ phase: 'active' }, [notify(CALL_1, 'active', true)], standIn));
    expect(explanation.cause).toBe('no-publication');
    expect(explanation.details[0]).toMatch(/the server's stand-in for “nobody published” \(one closed tuple\)\.$/);
  });

  it('given devices that publish offline, then it says the buddy publishes offline and nothing is wrong', () => {
    const offline: PresenceSummary = { status: 'offline', note: null, activities: [], devices: [device('offline')] };
    const explanation = explainPresence(input({ phase: 'active' }, [notify(CALL_1, 'active', true)], offline));
    expect(explanation).toMatchObject({ cause: 'published-offline', headline: 'Bob publishes “offline”' });
    expect(explanation.details[0]).toBe(`One device publishes presence for ${AOR}, and it says offline.`);
  });

  it('given presence that says nothing about availability, then it says so instead of calling the buddy offline', () => {
    const silent: PresenceSummary = { status: 'unknown', note: null, activities: [], devices: [device('unknown')] };
    const explanation = explainPresence(input({ phase: 'active' }, [notify(CALL_1, 'active', true)], silent));
    expect(explanation).toMatchObject({ cause: 'published-unknown', headline: "Bob's presence says nothing about availability" });
  });

  it('given presence that says available, then all is well', () => {
    const available: PresenceSummary = { status: 'available', note: null, activities: [], devices: [device('available')] };
    expect(explainPresence(input({ phase: 'active' }, [notify(CALL_1, 'active', true)], available))).toMatchObject({
      cause: 'online',
      headline: 'Bob is available',
    });
  });

  it('given a SUBSCRIBE not yet answered, then it is waiting; with nothing sent yet, it waits for the connection', () => {
    expect(explainPresence(input({ phase: 'unknown' }, [subscribe(CALL_1)]))).toMatchObject({
      cause: 'waiting',
      headline: 'No answer from the server yet',
      callId: CALL_1,
    });
    expect(explainPresence(input({ phase: 'unknown' }, []))).toMatchObject({ cause: 'waiting', headline: 'Not subscribed yet' });
  });

  it('given a NOTIFY that could not be read and nothing to show, then it says the last update was unusable', () => {
    const unknown: SubscriptionState = {
      phase: 'unknown',
      problem: { statusCode: 400, message: 'The NOTIFY had no readable Subscription-State.' },
    };
    const explanation = explainPresence(input(unknown, [subscribe(CALL_1), notify(CALL_1, '', true)]));
    expect(explanation).toMatchObject({
      cause: 'unreadable-update',
      details: ['The NOTIFY had no readable Subscription-State.', 'The trace shows the NOTIFY it sent.'],
    });
  });

  it.each([
    ['timeout', /the subscription expired\. It expired before it was refreshed/],
    ['deactivated', /the server moved the subscription\. .*subscribes again at once/],
    ['noresource', /the server knows no such address\. .*Check it for typos/],
    ['rejected', /refused by the buddy or the server\. Bob, or the server's policy, does not allow you/],
    ['probation', /the server paused the subscription\. .*waits for the time it gave/],
    ['giveup', /the buddy did not answer the request to watch them\. .*waited for Bob to authorise you and gave up/],
  ])('given a subscription terminated with reason %s, then it says what that reason means', (reason, meaning) => {
    const ended: SubscriptionState = { phase: 'terminated', reason, retryAt: AT + 1_000 };
    const explanation = explainPresence(input(ended, [notify(CALL_1, 'terminated', false, reason), state(ended)]));
    expect(explanation).toMatchObject({
      cause: 'ended',
      headline: `The server ended the subscription (reason: ${reason})`,
      callId: CALL_1,
      retryAt: AT + 1_000,
    });
    expect(explanation.details[0]).toMatch(new RegExp(`^“${reason}” \\(RFC 6665 §4\\.1\\.3\\): `));
    expect(explanation.details[0]).toMatch(meaning);
  });

  it('given a termination without a reason or with an unknown one, then it says so', () => {
    expect(explainPresence(input({ phase: 'terminated' }, [])).details[0]).toBe('It sent a final NOTIFY (terminated) without a reason.');
    expect(explainPresence(input({ phase: 'terminated', reason: 'moved-on' }, [])).details[0]).toMatch(
      /“moved-on”, which RFC 6665 §4\.1\.3 does not define/,
    );
  });

  it('given our own address, when our PUBLISHes keep getting 412, then that is the explanation; two 412s, or another buddy, are not', () => {
    const none: PresenceSummary = { status: 'offline', note: null, activities: [], devices: [] };
    const history = [notify(CALL_1, 'active', false)];
    const looping = [200, 412, 200, 412, 200, 412, 200];
    const explanation = explainPresence(input({ phase: 'active' }, history, none, { ownPublishAnswers: looping }));
    expect(explanation).toMatchObject({
      cause: 'publication-loop',
      headline: 'Your own publication keeps failing with 412',
      callId: CALL_1,
    });
    expect(explanation.details[0]).toMatch(
      /^3 of the last 7 answers to your PUBLISH requests were 412 Conditional Request Failed \(RFC 3903 §4\.1\)/,
    );
    expect(explainPresence(input({ phase: 'active' }, history, none, { ownPublishAnswers: [412, 200, 412, 200] })).cause).toBe(
      'no-publication',
    );
    expect(explainPresence(input({ phase: 'active' }, history, none)).cause).toBe('no-publication');
  });
});
