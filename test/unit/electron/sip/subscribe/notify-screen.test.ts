/**
 * The NOTIFY screen's per-package checks (electron/sip/subscribe/notify-screen.ts): a dialog-package NOTIFY carries
 * dialog-info (RFC 4235 §4), a presence one PIDF, and a NOTIFY for another package than its subscription's is 489.
 * The messages are parsed by sip.js's parser, as the stack does.
 */
import { describe, expect, it } from 'vitest';
import { IncomingRequestMessage, Levels, LoggerFactory, Parser } from 'sip.js/lib/core/index.js';
import { screenNotify } from '../../../../../electron/sip/subscribe/notify-screen';

const logger = (() => {
  const factory = new LoggerFactory();
  factory.builtinEnabled = false;
  factory.level = Levels.error;
  return factory.getLogger('test');
})();

function notify(event: string, contentType: string): IncomingRequestMessage {
  const body = '<x/>';
  const text = [
    'NOTIFY sip:alice@127.0.0.1:5070 SIP/2.0',
    'Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bKn1',
    'From: <sip:bob@example.com>;tag=b1',
    'To: <sip:alice@example.com>;tag=a1',
    'Call-ID: c1',
    'CSeq: 1 NOTIFY',
    `Event: ${event}`,
    'Subscription-State: active;expires=600',
    `Content-Type: ${contentType}`,
    `Content-Length: ${body.length}`,
    '',
    body,
  ].join('\r\n');
  const message = Parser.parseMessage(text, logger);
  if (!(message instanceof IncomingRequestMessage)) throw new Error('not a request');
  return message;
}

describe('screenNotify per event package', () => {
  it('passes dialog-info in a dialog NOTIFY and PIDF in a presence one', () => {
    expect(screenNotify(notify('dialog', 'application/dialog-info+xml'), 'dialog')).toBeUndefined();
    expect(screenNotify(notify('presence', 'application/pidf+xml'), 'presence')).toBeUndefined();
  });

  it("answers 415 with the package's own Accept to a body of the other package's type", () => {
    expect(screenNotify(notify('dialog', 'application/pidf+xml'), 'dialog')).toMatchObject({
      statusCode: 415,
      extraHeaders: ['Accept: application/dialog-info+xml'],
      problem: { message: expect.stringMatching(/^Line state sent as "application\/pidf\+xml"/) },
    });
    expect(screenNotify(notify('presence', 'application/dialog-info+xml'), 'presence')).toMatchObject({ statusCode: 415 });
  });

  it("answers 489 naming the subscription's package to a NOTIFY for another one, and both packages when it matches none", () => {
    expect(screenNotify(notify('dialog', 'application/dialog-info+xml'), 'presence')).toMatchObject({
      statusCode: 489,
      extraHeaders: ['Allow-Events: presence'],
    });
    expect(screenNotify(notify('conference', 'application/conference-info+xml'))).toMatchObject({
      statusCode: 489,
      extraHeaders: ['Allow-Events: presence, dialog, message-summary, presence.winfo'],
    });
  });

  it('passes a list NOTIFY (multipart/related, RLMI) and a message summary, and answers 415 to a summary sent as text', () => {
    expect(screenNotify(notify('presence', 'multipart/related;type="application/rlmi+xml";boundary=x'), 'presence')).toBeUndefined();
    expect(screenNotify(notify('presence', 'application/rlmi+xml'), 'presence')).toBeUndefined();
    expect(screenNotify(notify('message-summary', 'application/simple-message-summary'), 'message-summary')).toBeUndefined();
    expect(screenNotify(notify('message-summary', 'text/plain'), 'message-summary')).toMatchObject({
      statusCode: 415,
      extraHeaders: ['Accept: application/simple-message-summary'],
    });
  });
});
