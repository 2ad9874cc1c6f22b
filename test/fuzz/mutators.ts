/**
 * Structure-aware mutation of SIP messages (RFC 3261 §7: start line, header fields, empty line, body) and
 * of XML presence documents (RFC 3863 PIDF). Every mutator takes a latin1 string (one char per byte, so
 * invalid UTF-8 and NUL survive) and the run's Prng, and returns the damaged text. `mutateSip` and
 * `mutateXml` stack one to three of them, so most inputs are near-valid and reach deep code.
 */
import type { Prng } from './prng';

/** One named way to damage a message. */
export interface Mutator {
  readonly name: string;
  apply(text: string, rng: Prng): string;
}

/** About the largest input the parsers read at all (64 KiB bodies, 65,535-byte messages); a little above. */
const SIZE_BUDGET = 66_000;
/** Runs that make regexes and tokenisers work hardest (quadratic backtracking feeds on long repeats). */
const RUN_CHARS = [' ', ';', ',', '"', '<', '.', '\t', '=', ':', '@', '\\', ';a', ' ;', ', ', '!', '?'];
/** Byte sequences that are not UTF-8: lone continuation, overlong, surrogate, truncated, beyond U+10FFFF. */
const NON_UTF8 = ['\x80', '\xbf', '\xc0\xaf', '\xe0\x80\xaf', '\xed\xa0\x80', '\xf4\x90\x80\x80', '\xff', '\xfe\xff', '\xc3', '\xe2\x82'];
/** Values that sit on the edge of every header grammar. */
const EDGE_VALUES = [
  '',
  ' ',
  '0',
  '-1',
  '4294967296',
  '99999999999999999999',
  '1e9',
  '0x10',
  'NaN',
  '<>',
  '<sip:>',
  'sip:',
  'sip:@',
  '"',
  '"unterminated',
  '<sip:a@b',
  ';;;',
  ',,,',
  'a,b,c',
  'SIP/2.0/UDP',
  'SIP/2.0/UDP [::1',
  'SIP/2.0/UDP 127.0.0.1:99999;branch=',
  'presence;id=',
  'application/pidf+xml;charset=',
  '\x00',
  'terminated;reason=rejected',
];

// ── SIP message structure ───────────────────────────────────────────────────────────────────────

/** A SIP message split at its first empty line; header lines keep their raw text. */
interface SipParts {
  startLine: string;
  headers: string[];
  body: string;
}

function splitSip(text: string): SipParts {
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  const lines = head.split('\r\n');
  return { startLine: lines[0] ?? '', headers: lines.slice(1), body: end === -1 ? '' : text.slice(end + 4) };
}

function joinSip(parts: SipParts): string {
  return [parts.startLine, ...parts.headers].join('\r\n') + '\r\n\r\n' + parts.body;
}

function headerIndex(parts: SipParts, rng: Prng): number {
  return rng.below(parts.headers.length);
}

/** Sets the Content-Length (or adds one) so the body is what the parser reads. */
export function fixContentLength(text: string): string {
  const parts = splitSip(text);
  parts.headers = parts.headers.filter((line) => !/^(content-length|l)\s*:/i.test(line));
  parts.headers.push(`Content-Length: ${parts.body.length}`);
  return joinSip(parts);
}

/** A long run of one unit; often followed by a letter, since a run that does not reach the end is what backtracking regexes choke on. */
function run(rng: Prng, max: number): string {
  const unit = rng.pick(RUN_CHARS);
  return unit.repeat(Math.ceil(rng.length(max) / unit.length)) + (rng.chance(0.5) ? 'x' : '');
}

/** `extreme` now and then (the attack as named), otherwise a skewed smaller size up to it. */
function size(rng: Prng, extreme: number): number {
  return rng.chance(0.05) ? extreme : rng.length(extreme);
}

// ── byte damage ─────────────────────────────────────────────────────────────────────────────────

const flipBits: Mutator = {
  name: 'flip',
  apply(text, rng) {
    const chars = text.split('');
    for (let n = rng.between(1, 8); n > 0 && chars.length > 0; n--) {
      const at = rng.below(chars.length);
      chars[at] = String.fromCharCode((chars[at] as string).charCodeAt(0) ^ (1 << rng.below(8)));
    }
    return chars.join('');
  },
};

const insertBytes: Mutator = {
  name: 'insert',
  apply(text, rng) {
    const at = rng.below(text.length + 1);
    let bytes = '';
    for (let n = rng.length(64); n > 0; n--) bytes += String.fromCharCode(rng.below(256));
    return text.slice(0, at) + bytes + text.slice(at);
  },
};

const deleteSlice: Mutator = {
  name: 'delete',
  apply(text, rng) {
    const at = rng.below(text.length);
    return text.slice(0, at) + text.slice(at + rng.length(text.length - at));
  },
};

const repeatSlice: Mutator = {
  name: 'repeat',
  apply(text, rng) {
    const at = rng.below(text.length);
    const slice = text.slice(at, at + rng.between(1, 16));
    return text.slice(0, at) + slice.repeat(rng.length(4096)) + text.slice(at);
  },
};

const truncate: Mutator = {
  name: 'truncate',
  apply: (text, rng) => text.slice(0, rng.below(text.length)),
};

const nulBytes: Mutator = {
  name: 'nul',
  apply(text, rng) {
    const at = rng.below(text.length + 1);
    return text.slice(0, at) + '\x00'.repeat(rng.length(64)) + text.slice(at);
  },
};

const nonUtf8: Mutator = {
  name: 'non-utf8',
  apply(text, rng) {
    const at = rng.below(text.length + 1);
    let bytes = '';
    for (let n = rng.between(1, 4); n > 0; n--) bytes += rng.pick(NON_UTF8);
    return text.slice(0, at) + bytes + text.slice(at);
  },
};

/** Byte damage that knows nothing of the format: used for both SIP and XML. */
export const BYTE_MUTATORS: readonly Mutator[] = [flipBits, insertBytes, deleteSlice, repeatSlice, truncate, nulBytes, nonUtf8];

// ── SIP header and framing damage ───────────────────────────────────────────────────────────────

const duplicateHeader: Mutator = {
  name: 'header-duplicate',
  apply(text, rng) {
    const parts = splitSip(text);
    if (parts.headers.length === 0) return text;
    const i = headerIndex(parts, rng);
    const line = parts.headers[i] as string;
    const copies = Array<string>(Math.min(rng.length(2000), Math.ceil(SIZE_BUDGET / (line.length + 2)))).fill(line);
    parts.headers.splice(i, 0, ...copies);
    return joinSip(parts);
  },
};

const removeHeader: Mutator = {
  name: 'header-remove',
  apply(text, rng) {
    const parts = splitSip(text);
    parts.headers.splice(headerIndex(parts, rng), 1);
    return joinSip(parts);
  },
};

const edgeValue: Mutator = {
  name: 'header-edge-value',
  apply(text, rng) {
    const parts = splitSip(text);
    if (parts.headers.length === 0) return text;
    const i = headerIndex(parts, rng);
    const name = (parts.headers[i] as string).split(':')[0] ?? 'X';
    parts.headers[i] = `${name}: ${rng.pick(EDGE_VALUES)}`;
    return joinSip(parts);
  },
};

const longHeaderValue: Mutator = {
  name: 'header-long-value',
  apply(text, rng) {
    const parts = splitSip(text);
    if (parts.headers.length === 0) return text;
    const i = headerIndex(parts, rng);
    const line = parts.headers[i] as string;
    const at = rng.chance(0.5) ? line.length : rng.between(line.indexOf(':') + 1, line.length);
    parts.headers[i] = line.slice(0, at) + run(rng, 60_000) + line.slice(at);
    return joinSip(parts);
  },
};

const contentLengthLie: Mutator = {
  name: 'content-length-lie',
  apply(text, rng) {
    const parts = splitSip(text);
    const truth = parts.body.length;
    const lies = [
      String(Math.max(0, truth - rng.between(1, 64))),
      String(truth + rng.between(1, 4096)),
      String(-rng.between(1, 1000)),
      '4294967296',
      '99999999999999999999999',
      ['abc', '12abc', '1.5', '+5', '0x20', '', ' ', '1 2', '٣'][rng.below(9)] as string,
      `${truth}${' '.repeat(rng.length(60_000))}${rng.pick(['', 'x', '5'])}`,
      `${'0'.repeat(rng.length(60_000))}${truth}`,
    ];
    parts.headers = parts.headers.filter((line) => !/^(content-length|l)\s*:/i.test(line));
    const name = rng.pick(['Content-Length', 'content-length', 'l', 'CONTENT-LENGTH ']);
    parts.headers.push(`${name}: ${rng.pick(lies)}`);
    if (rng.chance(0.3)) parts.headers.push(`Content-Length: ${rng.pick([String(truth), rng.pick(lies)])}`);
    return joinSip(parts);
  },
};

const startLineDamage: Mutator = {
  name: 'start-line',
  apply(text, rng) {
    const parts = splitSip(text);
    const [method = '', uri = '', version = ''] = parts.startLine.split(' ');
    const choices = [
      () => `${method.toLowerCase()} ${uri} ${version}`,
      () => `${method} ${uri}`,
      () => `${method}  ${uri}  ${version}`,
      () => `${method} ${uri} SIP/3.0`,
      () => `${method} ${uri} ${version} extra`,
      () => `${'X'.repeat(rng.length(10_000))} ${uri} ${version}`,
      () => `${method} ${rng.pick(EDGE_VALUES)} ${version}`,
      () => `${method} ${uri}${run(rng, 60_000)} ${version}`,
      () => `${method} <${uri}> ${version}`,
      () => `${method} tel:+1234 ${version}`,
      () => `SIP/2.0 ${rng.pick(['200', '999', '1', '-1', 'abc', ''])} OK`,
      () => '',
      () => `\r\n\r\n${parts.startLine}`,
    ];
    parts.startLine = rng.pick(choices)();
    return joinSip(parts);
  },
};

const headerFolding: Mutator = {
  name: 'header-folding',
  apply(text, rng) {
    const parts = splitSip(text);
    if (parts.headers.length === 0) return text;
    const i = headerIndex(parts, rng);
    const line = parts.headers[i] as string;
    // RFC 3261 §7.3.1: a line starting with whitespace continues the previous header value.
    const folds = Array.from({ length: rng.length(5000) }, () => `${rng.pick([' ', '\t', '  \t'])}${rng.pick(['x', ';p=1', ',', ''])}`);
    parts.headers[i] = [line, ...folds].join('\r\n');
    if (rng.chance(0.2)) parts.headers.unshift(' continuation before any header');
    return joinSip(parts);
  },
};

const lineEnds: Mutator = {
  name: 'line-ends',
  apply(text, rng) {
    const to = rng.pick(['\n', '\r', '\r\r\n', '\n\r']);
    if (rng.chance(0.5)) return text.split('\r\n').join(to);
    // Only some of them: mixed line ends within one message.
    return text.replace(/\r\n/g, (crlf) => (rng.chance(0.3) ? to : crlf));
  },
};

const hugeBody: Mutator = {
  name: 'huge-body',
  apply(text, rng) {
    const parts = splitSip(text);
    // Just over the compositor's 65,535-byte limit mostly, now and then a megabyte.
    parts.body += rng.pick(['x', ' ', '<a>', '\x00', '\r\n']).repeat(rng.chance(0.1) ? 1024 * 1024 : rng.between(60_000, 70_000));
    return rng.chance(0.7) ? fixContentLength(joinSip(parts)) : joinSip(parts);
  },
};

const xmlBody: Mutator = {
  name: 'xml-body',
  apply(text, rng) {
    const parts = splitSip(text);
    if (!parts.body.includes('<')) return text;
    parts.body = mutateXml(parts.body, rng).text;
    return rng.chance(0.8) ? fixContentLength(joinSip(parts)) : joinSip(parts);
  },
};

const secondMessage: Mutator = {
  name: 'pipelined',
  // Over a stream, what follows a message is the next message: a damaged first one must not eat it.
  apply: (text, rng) => text + text.slice(0, rng.chance(0.5) ? text.length : rng.below(text.length)),
};

/** Mutators that know the SIP message layout. */
export const SIP_MUTATORS: readonly Mutator[] = [
  duplicateHeader,
  removeHeader,
  edgeValue,
  longHeaderValue,
  contentLengthLie,
  startLineDamage,
  headerFolding,
  lineEnds,
  hugeBody,
  xmlBody,
  secondMessage,
];

// ── XML damage ──────────────────────────────────────────────────────────────────────────────────

const BILLION_LAUGHS =
  '<?xml version="1.0"?>\n<!DOCTYPE presence [\n<!ENTITY a "lol">\n' +
  Array.from({ length: 9 }, (_, i) => `<!ENTITY ${String.fromCharCode(98 + i)} "${`&${String.fromCharCode(97 + i)};`.repeat(10)}">`).join(
    '\n',
  ) +
  '\n]>\n';

/** The element tags of a document, as [start, end) offsets of `<name`. */
function tagOffsets(xml: string): number[] {
  const offsets: number[] = [];
  for (let at = xml.indexOf('<'); at !== -1; at = xml.indexOf('<', at + 1)) {
    const next = xml.charCodeAt(at + 1);
    if ((next >= 65 && next <= 90) || (next >= 97 && next <= 122)) offsets.push(at);
  }
  return offsets;
}

/** Inserts `fragment` just after a random start tag's `>` (inside an element), or at the end. */
function insideSomeElement(xml: string, fragment: string, rng: Prng): string {
  const tags = tagOffsets(xml);
  if (tags.length === 0) return xml + fragment;
  const close = xml.indexOf('>', rng.pick(tags));
  return close === -1 ? xml + fragment : xml.slice(0, close + 1) + fragment + xml.slice(close + 1);
}

const entityAttack: Mutator = {
  name: 'xml-entities',
  apply(xml, rng) {
    const body = xml.replace(/^<\?xml[^>]*\?>\s*/, '');
    const attacks = [
      () => BILLION_LAUGHS + insideSomeElement(body, '&j;', rng),
      () =>
        `<?xml version="1.0"?>\n<!DOCTYPE presence [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n` + insideSomeElement(body, '&xxe;', rng),
      () => `<!DOCTYPE presence SYSTEM "http://127.0.0.1:1/x.dtd">\n` + body,
      () => `<!doctype presence [<!entity e "x">]>` + body,
      () =>
        insideSomeElement(
          xml,
          rng.pick(['&unknown;', '&#0;', '&#xD800;', '&#99999999;', '&#x;', '&', '&amp', '&lt;&gt;&quot;&apos;&amp;', '&#x1F600;']),
          rng,
        ),
      () => insideSomeElement(xml, '<![CDATA[' + run(rng, 10_000) + ']]>', rng),
      () => insideSomeElement(xml, '<!--' + '-'.repeat(rng.length(1000)) + '-->', rng),
      () => insideSomeElement(xml, '<?pi ' + run(rng, 1000) + '?>', rng),
    ];
    return rng.pick(attacks)();
  },
};

const deepNesting: Mutator = {
  name: 'xml-deep',
  apply(xml, rng) {
    // 10,000 levels of `<a>` fit in the parser's 64 KiB limit only unclosed; closed, 9,000 do.
    const closed = rng.chance(0.6);
    const depth = size(rng, closed ? 9000 : 10_000);
    const name = rng.pick(['a', 'a', 'a', 'tuple', 'dm:person']);
    const nesting = `<${name}>`.repeat(depth) + (closed ? `</${name}>`.repeat(depth) : '');
    return insideSomeElement(xml, nesting.slice(0, SIZE_BUDGET), rng);
  },
};

const manyAttributes: Mutator = {
  name: 'xml-attributes',
  apply(xml, rng) {
    const count = size(rng, 6000);
    const same = rng.chance(0.2); // duplicated attribute names are a well-formedness error
    const attributes = Array.from({ length: count }, (_, i) => ` ${same ? 'a' : `a${i}`}=""`).join('');
    const tags = tagOffsets(xml);
    if (tags.length === 0) return xml;
    const at = rng.pick(tags);
    const nameEnd = xml.slice(at + 1).search(/[\s/>]/) + at + 1;
    return xml.slice(0, nameEnd) + attributes + xml.slice(nameEnd);
  },
};

const longText: Mutator = {
  name: 'xml-long-text',
  apply(xml, rng) {
    // Text nodes (notes above all) with long runs of spaces and punctuation, or a long attribute value.
    // Anywhere inside a text node: before, within or after the words already there.
    const texts = [...xml.matchAll(/>([^<]*)</g)].map((m) => (m.index ?? 0) + 1 + rng.below((m[1] as string).length + 1));
    const filler = rng.pick(['note-text', '']) + run(rng, 60_000);
    if (texts.length === 0 || rng.chance(0.2)) {
      const quote = xml.indexOf('"', rng.below(xml.length));
      return quote === -1 ? xml + filler : xml.slice(0, quote + 1) + filler.replace(/["<&]/g, '.') + xml.slice(quote + 1);
    }
    const at = rng.pick(texts);
    return xml.slice(0, at) + filler.replace(/[<&]/g, '.') + xml.slice(at);
  },
};

const repeatElement: Mutator = {
  name: 'xml-repeat-element',
  apply(xml, rng) {
    const match = /<((?:\w+:)?(?:tuple|person|note|device|contact|activities|atom|address))[\s>][\s\S]*?<\/\1>/.exec(xml);
    if (match === null) return xml;
    const end = (match.index ?? 0) + match[0].length;
    const copies = Math.min(size(rng, 2000), Math.ceil(SIZE_BUDGET / match[0].length));
    return xml.slice(0, end) + match[0].repeat(copies) + xml.slice(end);
  },
};

const tagDamage: Mutator = {
  name: 'xml-tags',
  apply(xml, rng) {
    const choices = [
      () => xml.replace(/<\/[^>]+>/, ''),
      () => xml.replace(/xmlns(:\w+)?="[^"]*"/, rng.pick(['xmlns="urn:wrong"', 'xmlns=""', 'xmlns:dm="urn:ietf:params:xml:ns:pidf"', ''])),
      () => xml.replace(/<(\w+):/, '<undeclared:'),
      () => xml.replace(/<basic>[^<]*<\/basic>/, `<basic>${rng.pick(['OPEN', '', 'maybe', ' open ', 'closed closed'])}</basic>`),
      () => xml.replace(/entity="[^"]*"/, `entity="${rng.pick(['', 'sip:', 'pres:x', 'mailto:a@b', '\x00'])}"`),
      () => xml.replace(/id="[^"]*"/g, 'id="same"'),
      () => xml.replace(/priority="[^"]*"/, `priority="${rng.pick(['2', '-1', 'NaN', '0.5.5', ''])}"`),
      () => xml.replace(/<timestamp>[^<]*/, `<timestamp>${rng.pick(['', 'yesterday', '9999-99-99T99:99:99Z', '0'])}`),
      () => xml.replace(/<presence/, '<presence><presence'),
      () => xml + rng.pick(['<extra/>', 'trailing text', '<presence/>']),
    ];
    return rng.pick(choices)();
  },
};

/** Mutators that know XML: entities, nesting, attributes, text runs, repeated and broken elements. */
export const XML_MUTATORS: readonly Mutator[] = [entityAttack, deepNesting, manyAttributes, longText, repeatElement, tagDamage];

/** A damaged message and the names of the mutators that damaged it, in order. */
export interface Mutation {
  readonly text: string;
  readonly applied: readonly string[];
}

function stack(text: string, rng: Prng, structured: readonly Mutator[]): Mutation {
  const applied: string[] = [];
  let out = text;
  // Past the budget every parser refuses the input by its size alone: more damage would only cost time.
  for (let n = rng.pick([1, 1, 1, 2, 2, 3]); n > 0 && out.length <= SIZE_BUDGET; n--) {
    const mutator = rng.chance(0.65) ? rng.pick(structured) : rng.pick(BYTE_MUTATORS);
    out = mutator.apply(out, rng);
    applied.push(mutator.name);
  }
  return { text: out, applied };
}

/** A damaged SIP message from `seed`. */
export function mutateSip(seed: string, rng: Prng): Mutation {
  return stack(seed, rng, SIP_MUTATORS);
}

/** A damaged XML (presence) document from `seed`. */
export function mutateXml(seed: string, rng: Prng): Mutation {
  return stack(seed, rng, XML_MUTATORS);
}

/** Usually `mutate(seed)`; about 3 % of inputs are the seed itself, a control that valid input still gets through. */
export function mutateOrKeep(seed: string, rng: Prng, mutate: (seed: string, rng: Prng) => Mutation): Mutation {
  return rng.chance(0.03) ? { text: seed, applied: [] } : mutate(seed, rng);
}
