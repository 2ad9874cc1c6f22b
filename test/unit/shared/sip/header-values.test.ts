import { describe, expect, it } from 'vitest';
import {
  commaValueEnd,
  eventPackage,
  forEachParam,
  hostPort,
  isToken,
  mediaType,
  parseCSeq,
  parseDeltaSeconds,
  parseHostPort,
  parseNameAddr,
  parseParams,
  parseUri,
  parseVia,
  readParam,
  splitCommaValues,
  splitNameAddr,
  tagOf,
  unquote,
  uriWithoutParams,
} from '../../../../shared/sip/header-values';
import { expectLinearTime } from '../../../support/linear-time';
import { ADVERSARIAL_RUNS } from './adversarial-input';

describe('SIP header values', () => {
  it('given a SIP URI with port and parameters, when parsed, then user, host, port and params come out', () => {
    const uri = parseUri('sip:Alice%20B@Example.COM:5070;transport=tcp;lr');
    expect(uri).toMatchObject({ scheme: 'sip', user: 'Alice B', host: 'example.com', port: 5070 });
    expect(uri?.params.get('transport')).toBe('tcp');
    expect(uri?.params.has('lr')).toBe(true);
  });

  it('given an IPv6 URI, when parsed, then the host keeps its brackets', () => {
    expect(parseUri('sip:bob@[::1]:5060')).toMatchObject({ host: '[::1]', port: 5060 });
  });

  it.each(['', 'alice@example.com', 'sip:', 'sip:alice@example.com:99999', 'sip:alice@example.com:0'])(
    'given the malformed URI %j, when parsed, then the result is null',
    (text) => expect(parseUri(text)).toBeNull(),
  );

  it('given a name-addr with display name and tag, when parsed, then URI and header params are separated', () => {
    const parsed = parseNameAddr('"Bob, the watcher" <sip:bob@example.com;transport=udp>;tag=88a');
    expect(parsed?.displayName).toBe('Bob, the watcher');
    expect(parsed?.uri.params.get('transport')).toBe('udp');
    expect(parsed?.params.get('tag')).toBe('88a');
  });

  it('given an addr-spec with parameters, when parsed, then the parameters belong to the header (RFC 3261 §20.10)', () => {
    const parsed = parseNameAddr('sip:bob@example.com;tag=x');
    expect(parsed?.params.get('tag')).toBe('x');
    expect(parsed?.uri.params.size).toBe(0);
  });

  it('given a Via with rport and received, when parsed, then routing fields come out', () => {
    expect(parseVia('SIP/2.0/udp 10.0.0.1:5070;branch=z9hG4bKa;rport;received=1.2.3.4')).toMatchObject({
      transport: 'UDP',
      host: '10.0.0.1',
      port: 5070,
      branch: 'z9hG4bKa',
      received: '1.2.3.4',
      hasRport: true,
      sentBy: '10.0.0.1:5070',
    });
    expect(parseVia('SIP/2.0 UDP nonsense')).toBeNull();
  });

  it('given commas inside quotes and angle brackets, when split, then only value separators split', () => {
    expect(splitCommaValues('"a, b" <sip:x@y;p=1,2>, <sip:z@w>')).toEqual(['"a, b" <sip:x@y;p=1,2>', '<sip:z@w>']);
  });

  it('given From values, when the tag is read, then a URI parameter named tag inside <> is not mistaken for it', () => {
    expect(tagOf('<sip:a@b;tag=inuri>;tag=real')).toBe('real');
    expect(tagOf('<sip:a@b;tag=inuri>')).toBeNull();
    expect(tagOf('sip:a@b;tag=plain')).toBe('plain');
  });

  it('given Expires-like values, when read as delta-seconds, then only digits are accepted', () => {
    expect(parseDeltaSeconds(' 600 ')).toBe(600);
    expect(parseDeltaSeconds('-1')).toBeNull();
    expect(parseDeltaSeconds('1e3')).toBeNull();
    expect(parseDeltaSeconds('99999999999999')).toBe(0xffffffff);
  });

  it('given Event and Content-Type values with parameters, when read, then the bare lower-case name comes out', () => {
    expect(eventPackage('Presence;id=7')).toBe('presence');
    expect(eventPackage('')).toBeNull();
    expect(mediaType('Application/PIDF+XML; charset=UTF-8')).toBe('application/pidf+xml');
  });
});

describe('quoted strings (RFC 3261 §25.1 quoted-string, quoted-pair)', () => {
  it('given a quoted string with escaped quotes and backslashes, when unquoted, then each quoted-pair gives its character', () => {
    expect(unquote('"say \\"hi\\", \\\\ bye"')).toBe('say "hi", \\ bye');
  });

  it('given text that is not exactly one quoted string, when unquoted, then it comes back unchanged', () => {
    expect(unquote('plain')).toBe('plain');
    expect(unquote('"open')).toBe('"open');
    expect(unquote('"a" "b"')).toBe('"a" "b"');
    expect(unquote('"ends escaped\\"')).toBe('"ends escaped\\"');
  });

  it('given a display name with an escaped quote, a comma and a <, when split at commas, then the quoted text stays whole', () => {
    expect(splitCommaValues('"A \\"B\\", <C>" <sip:a@x>, <sip:b@y>')).toEqual(['"A \\"B\\", <C>" <sip:a@x>', '<sip:b@y>']);
  });

  it('given a name-addr whose display name holds an escaped quote and a <, when parsed, then the display name is unescaped', () => {
    const parsed = parseNameAddr('"Bob \\"<the boss>\\"" <sip:bob@example.com>;tag=7');
    expect(parsed?.displayName).toBe('Bob "<the boss>"');
    expect(parsed?.uri.user).toBe('bob');
    expect(parsed?.params.get('tag')).toBe('7');
  });

  it('given a parameter whose quoted value holds ; and =, when read, then the value is whole and unquoted', () => {
    expect(parseParams(';reason="a;b=c";x')).toEqual(
      new Map([
        ['reason', 'a;b=c'],
        ['x', ''],
      ]),
    );
    expect(readParam(';Reason="a;b"', 'reason')).toBe('a;b');
  });
});

describe('parameters', () => {
  it('given repeated parameters, when read, then readParam takes the first and parseParams keeps the last', () => {
    expect(readParam(';tag=1;tag=2', 'TAG')).toBe('1');
    expect(parseParams(';tag=1;tag=2').get('tag')).toBe('2');
    expect(readParam(';lr', 'lr')).toBe('');
    expect(readParam(';lr', 'tag')).toBeUndefined();
  });

  it('given a visitor that stops, when parameters are visited, then no later parameter is seen', () => {
    const seen: string[] = [];
    forEachParam('a=1; B = 2 ;c', (name, value) => {
      seen.push(`${name}=${value}`);
      return name !== 'b';
    });
    expect(seen).toEqual(['a=1', 'b=2']);
  });
});

describe('addresses', () => {
  it('given name-addr and addr-spec forms, when split, then URI, display name and header parameters are cut apart as written', () => {
    expect(splitNameAddr(' "Bob" <sip:Bob@X;transport=tcp> ;tag=1 ')).toEqual({
      isNameAddr: true,
      displayName: '"Bob"',
      uri: 'sip:Bob@X;transport=tcp',
      params: ';tag=1',
    });
    expect(splitNameAddr('sip:bob@x;tag=2')).toEqual({ isNameAddr: false, displayName: '', uri: 'sip:bob@x', params: ';tag=2' });
    expect(splitNameAddr('<sip:never-closed')).toBeNull();
  });

  it('given malformed name-addrs, when parsed, then the result is null', () => {
    expect(parseNameAddr('sip:a b@x')).toBeNull();
    expect(parseNameAddr('<sip:a@x> junk')).toBeNull();
    expect(parseNameAddr('"Bob" <nonsense>')).toBeNull();
  });

  it('given IPv6 hosts, when URIs, hostports and Vias are read, then the brackets are kept and the port is separate', () => {
    expect(parseUri('sips:[2001:DB8::1]:5061;transport=tls')).toMatchObject({
      scheme: 'sips',
      user: '',
      host: '[2001:db8::1]',
      port: 5061,
    });
    expect(parseHostPort('[::1]')).toEqual({ host: '[::1]', port: null });
    expect(parseHostPort('[::1]:5070')).toEqual({ host: '[::1]', port: 5070 });
    expect(parseHostPort('[::1')).toBeNull();
    expect(parseVia('SIP/2.0/TCP [fe80::1]:5060;branch=z9hG4bKv6')).toMatchObject({
      host: '[fe80::1]',
      port: 5060,
      sentBy: '[fe80::1]:5060',
    });
    expect(hostPort('::1', 5060)).toBe('[::1]:5060');
  });

  it('given a tel URI and a URI with a password, when parsed, then tel has no host and the password is dropped', () => {
    expect(parseUri('tel:+1-555-0100;phone-context=example.com')).toMatchObject({ scheme: 'tel', user: '+1-555-0100', host: '' });
    expect(parseUri('sip:alice:secret@example.com')).toMatchObject({ user: 'alice', host: 'example.com' });
  });

  it('given URIs with parameters and headers, when cut, then only the part before them remains', () => {
    expect(uriWithoutParams('sip:bob@x:5060;transport=tcp')).toBe('sip:bob@x:5060');
    expect(uriWithoutParams('sip:bob@x?subject=hi;x')).toBe('sip:bob@x');
  });
});

describe('Via, CSeq and tokens', () => {
  it('given a Via with folded whitespace around its slashes, when parsed, then it reads like the compact form', () => {
    expect(parseVia('SIP / 2.0 / tls  host.example.com ;branch=z9hG4bKb')).toMatchObject({
      transport: 'TLS',
      host: 'host.example.com',
      port: null,
      branch: 'z9hG4bKb',
    });
    expect(parseVia('SIP/2.0/UDP host;branch=a\rb')).toBeNull();
    expect(parseVia('SIP/2.0/UDP')).toBeNull();
  });

  it('given a Via line with several via-parms, when the first is cut off, then a comma inside a quoted parameter does not end it', () => {
    const line = 'SIP/2.0/UDP a;x="1,2";branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2';
    expect(parseVia(line.slice(0, commaValueEnd(line)))?.branch).toBe('z9hG4bK1');
  });

  it('given CSeq values, when parsed, then only digits below 2^31, whitespace and a method token are accepted (RFC 3261 §8.1.1.5)', () => {
    expect(parseCSeq('7 PUBLISH')).toEqual({ seq: 7, method: 'PUBLISH' });
    expect(parseCSeq(' 2147483647\tNOTIFY ')).toEqual({ seq: 2147483647, method: 'NOTIFY' });
    for (const bad of ['2147483648 PUBLISH', '7', 'PUBLISH', '7 PUB LISH', '12345678901 X', '-1 X']) expect(parseCSeq(bad)).toBeNull();
  });

  it('given names, when checked as tokens, then only RFC 3261 §25.1 token characters pass', () => {
    expect(isToken("X-Odd.Name!%*_+`'~9")).toBe(true);
    for (const bad of ['', 'a b', 'a:b', 'é', 'a"b']) expect(isToken(bad)).toBe(false);
  });
});

describe('reading adversarial input', () => {
  const readers: ReadonlyArray<readonly [string, (text: string) => unknown]> = [
    ['Via', (text) => parseVia(`SIP/2.0/UDP ${text}`)],
    ['Via after its transport', (text) => parseVia(`SIP/2.0/UDP${text}`)],
    ['URI', (text) => parseUri(`sip:${text}`)],
    ['name-addr', (text) => parseNameAddr(text)],
    ['name-addr with display name', (text) => parseNameAddr(`"${text}" <sip:a@b>;${text}`)],
    ['comma split', (text) => splitCommaValues(text)],
    ['parameters', (text) => parseParams(text)],
    ['tag', (text) => tagOf(`<sip:a@b>;${text}`)],
    ['unquote', (text) => unquote(`"${text}"`)],
    ['CSeq', (text) => parseCSeq(`1${text}`)],
  ];
  it.each(ADVERSARIAL_RUNS)(
    'given 64 KiB of %s, when every value reader reads it, then the time per byte grows at most 4× from 4 KiB',
    (_name, makeInput) => {
      expectLinearTime(makeInput, (text) => readers.map(([, read]) => read(text)));
    },
  );
});
