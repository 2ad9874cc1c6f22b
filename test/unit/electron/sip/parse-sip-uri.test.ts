/**
 * parseSipUri (electron/sip/sip-client.ts) reads the plain `sip:user@host` form itself and leaves every other form to
 * sip.js's grammar: both ways must give the same URI, and what the grammar refuses stays refused.
 */
import { describe, expect, it } from 'vitest';
import { Grammar } from 'sip.js/lib/grammar/index.js';
import { parseSipUri, SipConfigError } from '../../../../electron/sip/sip-client';

describe('parseSipUri', () => {
  it.each([
    'sip:buddy1@example.com',
    'sips:Bob.Smith@Example.COM',
    "sip:a-b_c.d!~*'()+x@host-1.example.org",
    'sip:+4930123456@voip.example.net',
    '  sip:padded@example.com  ',
    'sip:alice@10.0.0.1',
    'sip:alice@example.com:5070',
    'sip:alice@example.com;transport=tcp',
    'sip:al%20ice@example.com',
    'SIP:alice@example.com',
    'sip:example.com',
    'sip:alice@[2001:db8::1]',
  ])('given %s, then it is the URI the grammar reads', (text) => {
    const fromGrammar = Grammar.URIParse(text.trim());
    const parsed = parseSipUri(text, 'The buddy address');
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(fromGrammar));
    expect(parsed.toString()).toBe(fromGrammar?.toString());
  });

  it.each(['alice@example.com', 'sip:alice@', 'tel:+4930123456', 'sip:alice@exa mple.com', ''])(
    'given %j, then SipConfigError names the address',
    (text) => {
      expect(() => parseSipUri(text, 'The buddy address')).toThrow(SipConfigError);
    },
  );
});
