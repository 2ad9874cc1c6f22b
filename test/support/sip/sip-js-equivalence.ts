/**
 * The check both inbound-reader tests make: the fast reader (electron/sip/transport/inbound-message.ts) either builds
 * exactly the message sip.js's `Parser.parseMessage` builds — prototypes, header entries and `parsed` values included —
 * or says it is unparsable where that parser refuses it too (or where it refuses on purpose: a CSeq number of 2^31 or
 * more, an Event or Subscription-State over 256 characters), or leaves the message to that parser.
 */
import { isDeepStrictEqual } from 'node:util';
import { Parser, type Logger } from 'sip.js/lib/core/index.js';
import { expect } from 'vitest';
import { readInboundMessage, type IncomingSipMessage } from '../../../electron/sip/transport/inbound-message';

/** A sip.js logger that writes nothing. */
export const SILENT_SIP_JS_LOGGER = {
  error: () => undefined,
  warn: () => undefined,
  log: () => undefined,
  debug: () => undefined,
} as unknown as Logger;

/** What sip.js's core may later ask for by `parseHeader`: asked of both messages, so that lazily parsed values compare too. */
function askedByTheCore(message: IncomingSipMessage): IncomingSipMessage {
  message.parseHeader('event');
  message.parseHeader('subscription-state');
  return message;
}

/** Asserts the check above for `text` (and that a message refused here is refused by sip.js too); says which reader took it. */
export function expectSameAsSipJs(text: string): 'read here' | 'refused here' | 'left to sip.js' {
  const ours = readInboundMessage(text);
  if (ours === null) return 'left to sip.js';
  const theirs = Parser.parseMessage(text, SILENT_SIP_JS_LOGGER);
  if (ours === 'unparsable') {
    // The refusals of our own: a CSeq number of 2^31 or more, which RFC 3261 §8.1.1.5 forbids and sip.js takes, and an
    // Event or Subscription-State too long to leave to sip.js's grammar (MAX_UNREAD_EVENT_VALUE in inbound-message.ts).
    const isOwnRefusal =
      theirs !== undefined &&
      (theirs.cseq > 2 ** 31 - 1 ||
        [theirs.getHeader('event'), theirs.getHeader('subscription-state')].some((v) => (v?.length ?? 0) > 256));
    if (!isOwnRefusal) expect(theirs, 'sip.js parses a message the fast reader calls unparsable').toBeUndefined();
    return 'refused here';
  }
  expect(theirs, 'sip.js refuses a message the fast reader reads').toBeDefined();
  askedByTheCore(ours);
  askedByTheCore(theirs as IncomingSipMessage);
  // toStrictEqual gives the readable diff; isDeepStrictEqual also compares the prototypes of nested objects.
  expect(ours).toStrictEqual(theirs);
  expect(isDeepStrictEqual(ours, theirs)).toBe(true);
  return 'read here';
}
