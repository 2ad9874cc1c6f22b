/**
 * Recognising the presence server (electron/sip/server-profile.ts) from realistic header values. Where each default
 * string comes from (each product's public documentation of its default):
 *   Kamailio   core parameter `server_header`, default "kamailio (<version> (<arch>/<os>))" (Kamailio core cookbook);
 *              the value below is what Debian's Kamailio 5.6.3 sends in test/support/kamailio/.
 *   OpenSIPS   core parameter `server_header`, default "OpenSIPS (<version> (<arch>/<os>))" (OpenSIPS core manual).
 *   Asterisk   res_pjsip `user_agent`, default "Asterisk PBX <version>" (pjsip.conf.sample, Asterisk wiki);
 *              FreePBX sets it to "FPBX-<FreePBX version>(<Asterisk version>)".
 *   FreeSWITCH mod_sofia profile `user-agent-string`, default "FreeSWITCH-mod_sofia/<version>-<build>" (FreeSWITCH docs).
 *   Flexisip   "Flexisip/<version> (sofia-sip-nta/<version>)", its Server header (Flexisip documentation and captures).
 *   Presently  "Presently-Compositor/<version>", electron/compositor/compositor-types.ts.
 */
import { describe, expect, it } from 'vitest';
import { describeServer, recogniseProduct, ServerObserver } from '../../../../electron/sip/server-profile';

describe('recogniseProduct', () => {
  it.each([
    ['kamailio (5.6.3 (x86_64/linux))', 'kamailio', '5.6.3'],
    ['SIP Express Router (0.9.6 (i386/linux))', 'kamailio', '0.9.6'],
    ['OpenSIPS (3.4.3 (x86_64/linux))', 'opensips', '3.4.3'],
    ['Asterisk PBX 20.5.0', 'asterisk', '20.5.0'],
    ['Asterisk PBX', 'asterisk', undefined],
    ['FPBX-16.0.40.7(20.5.2)', 'asterisk', '20.5.2'],
    ['FreeSWITCH-mod_sofia/1.10.10-release~64bit', 'freeswitch', '1.10.10'],
    ['Flexisip/2.3.2 (sofia-sip-nta/2.0)', 'flexisip', '2.3.2'],
    ['Presently-Compositor/0.4.0', 'presently-compositor', '0.4.0'],
    ['Cisco-SIPGateway/IOS-15.x', 'unknown', undefined],
  ])('%s → %s %s', (value, product, version) => {
    expect(recogniseProduct(value)).toEqual(version === undefined ? { product } : { product, version });
  });
});

describe('describeServer', () => {
  const nothingAnswered = { subscribeAnswers: new Map<string, number>() };

  it('names a known server with its version and, with nothing else seen, says no more', () => {
    const profile = describeServer({ ...nothingAnswered, productText: 'kamailio (5.6.3 (x86_64/linux))' });
    expect(profile).toMatchObject({ product: 'kamailio', version: '5.6.3', quirks: [] });
    expect(profile.capabilities).toEqual({ publish: 'unknown', presenceSubscribe: 'unknown', dialogSubscribe: 'unknown' });
    expect(profile.sentence).toBe('Presence server: Kamailio 5.6.3');
  });

  it('an unknown server is named by what it sent, cut to a readable length', () => {
    const profile = describeServer({ ...nothingAnswered, productText: `MyPBX\u0007 ${'x'.repeat(100)}` });
    expect(profile.product).toBe('unknown');
    expect(profile.sentence).toMatch(/^Presence server: unknown server \(MyPBX x+…\)$/);
    expect(describeServer(nothingAnswered).sentence).toBe('Presence server: unknown server');
  });

  it('Asterisk makes our status from the phone line: it refuses publications by default, unless it was seen to take one', () => {
    const asterisk = describeServer({ ...nothingAnswered, productText: 'Asterisk PBX 20.5.0' });
    expect(asterisk.capabilities.publish).toBe('no');
    expect(asterisk.quirks).toEqual(['status-from-phone-line']);
    expect(asterisk.sentence).toBe(
      'Presence server: Asterisk 20.5.0 — publishes your status from your phone line; Presently can show colleagues but not set your status',
    );
    const taking = describeServer({ ...nothingAnswered, productText: 'Asterisk PBX 20.5.0', publishAnswer: 200 });
    expect(taking.quirks).toEqual([]);
    expect(taking.capabilities.publish).toBe('yes');
  });

  it('presence refused but the dialog package offered: buddies are watched by their line', () => {
    const profile = describeServer({
      productText: 'Asterisk PBX 18.20.0',
      allowEvents: new Set(['presence', 'dialog', 'message-summary']),
      subscribeAnswers: new Map([['presence', 489]]),
    });
    expect(profile.capabilities).toEqual({ publish: 'no', presenceSubscribe: 'no', dialogSubscribe: 'yes' });
    expect(profile.quirks).toEqual(['status-from-phone-line', 'watch-line-state']);
    expect(profile.sentence).toContain('colleagues are shown by their phone line (on the phone, ringing, idle)');
  });

  it('an answer to our own request outweighs Allow-Events, and PUBLISH missing from Allow means no publications', () => {
    const profile = describeServer({
      productText: 'FreeSWITCH-mod_sofia/1.10.10-release~64bit',
      allowEvents: new Set(['presence']),
      allow: new Set(['INVITE', 'ACK', 'BYE', 'SUBSCRIBE', 'NOTIFY']),
      subscribeAnswers: new Map([['presence', 489]]),
    });
    expect(profile.capabilities).toEqual({ publish: 'no', presenceSubscribe: 'no', dialogSubscribe: 'no' });
    expect(profile.quirks).toEqual([]);
    expect(profile.sentence).toBe(
      'Presence server: FreeSWITCH 1.10.10 — takes no presence publications; offers no presence subscriptions; Presently can neither set your status nor show colleagues',
    );
  });
});

describe('ServerObserver', () => {
  const response = (status: string, cseq: string, headers: string[], callId = 'c1') =>
    [
      `SIP/2.0 ${status}`,
      'Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK1',
      `Call-ID: ${callId}`,
      `CSeq: ${cseq}`,
      ...headers,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
  const subscribe = (event: string, seq: number, callId: string) =>
    [
      `SUBSCRIBE sip:bob@pbx SIP/2.0`,
      'Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK2',
      `Call-ID: ${callId}`,
      `CSeq: ${seq} SUBSCRIBE`,
      `Event: ${event}`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');

  it('has no profile before the server answered; reports a change only when the profile changed', () => {
    const observer = new ServerObserver();
    expect(observer.profile).toBeUndefined();
    expect(observer.observe('out', subscribe('presence', 1, 's1'))).toBe(false);
    expect(observer.observe('in', response('200 OK', '1 REGISTER', ['Server: kamailio (5.6.3 (x86_64/linux))']))).toBe(true);
    expect(observer.observe('in', response('200 OK', '2 REGISTER', ['Server: kamailio (5.6.3 (x86_64/linux))']))).toBe(false);
    expect(observer.profile?.sentence).toBe('Presence server: Kamailio 5.6.3');
  });

  it('credits answers to our SUBSCRIBEs to their event package by Call-ID and CSeq, and keeps the first Server it saw', () => {
    const observer = new ServerObserver();
    observer.observe(
      'in',
      response('200 OK', '1 REGISTER', ['Server: Asterisk PBX 20.5.0', 'Allow-Events: presence, dialog, message-summary, refer']),
    );
    observer.observe('in', response('489 Bad Event', '1 PUBLISH', ['Server: Asterisk PBX 20.5.0']));
    observer.observe('out', subscribe('presence', 1, 's1'));
    observer.observe('out', subscribe('dialog', 1, 's2'));
    observer.observe('in', response('489 Bad Event', '1 SUBSCRIBE', ['Server: other/1', 'Allow-Events: dialog'], 's1'));
    expect(observer.profile?.quirks).toEqual(['status-from-phone-line', 'watch-line-state']);
    observer.observe('in', response('200 OK', '1 SUBSCRIBE', [], 's2'));
    expect(observer.profile).toMatchObject({
      product: 'asterisk',
      version: '20.5.0',
      capabilities: { publish: 'no', presenceSubscribe: 'no', dialogSubscribe: 'yes' },
    });
    // An answer to a SUBSCRIBE we never sent (or a provisional one) credits nothing.
    observer.observe('in', response('200 OK', '9 SUBSCRIBE', [], 'unknown'));
    expect(observer.profile?.capabilities.presenceSubscribe).toBe('no');
  });

  it('reads the User-Agent where a server sends no Server header, and ignores requests it receives', () => {
    const observer = new ServerObserver();
    const notify = ['NOTIFY sip:a@x SIP/2.0', 'User-Agent: Asterisk PBX 20.5.0', 'Content-Length: 0', '', ''].join('\r\n');
    expect(observer.observe('in', notify)).toBe(false);
    observer.observe('in', response('200 OK', '1 REGISTER', ['User-Agent: FreeSWITCH-mod_sofia/1.10.10-release~64bit']));
    expect(observer.profile?.product).toBe('freeswitch');
  });
});
