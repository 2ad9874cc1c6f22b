/**
 * The namespace-aware XML layer under the codec (shared/pidf/xml.ts): Namespaces in XML 1.0 scoping,
 * the only entity references XML allows without a DTD, and serialisation that reads back the same.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseXml, serializeXml, type XmlElement, type XmlNode } from '../../../../shared/pidf/xml';
import { expectLinearTime, padded } from '../../../support/linear-time';
import { fixture } from './fixture-files';

function root(text: string): XmlElement {
  const result = parseXml(text);
  if (!result.ok) throw new Error(result.message);
  return result.root;
}

/** A comparable form: {ns}name[attributes](children), whitespace-only text dropped. */
function shape(node: XmlNode): unknown {
  if (typeof node === 'string') return node.trim() === '' ? undefined : node;
  return {
    name: `{${node.ns ?? ''}}${node.name}`,
    attributes: node.attributes.map((a) => `{${a.ns ?? ''}}${a.name}=${a.value}`).sort(),
    children: node.children.map(shape).filter((c) => c !== undefined),
  };
}

const roundTrip = (tree: XmlElement, defaultNamespace: string | null = null) =>
  root(serializeXml(tree, { defaultNamespace, preferredPrefixes: new Map([['urn:b', 'b']]) }));

describe('parseXml: namespaces', () => {
  it('resolves the default namespace, prefixes, nested rebinding and xmlns="" reset', () => {
    const tree = root(`<r xmlns="urn:a" xmlns:p="urn:p"><p:x/><y xmlns="urn:b"><z/></y><w xmlns=""><v/></w><p:q xmlns:p="urn:other"/></r>`);
    expect(shape(tree)).toEqual({
      name: '{urn:a}r',
      attributes: [],
      children: [
        { name: '{urn:p}x', attributes: [], children: [] },
        { name: '{urn:b}y', attributes: [], children: [{ name: '{urn:b}z', attributes: [], children: [] }] },
        { name: '{}w', attributes: [], children: [{ name: '{}v', attributes: [], children: [] }] },
        { name: '{urn:other}q', attributes: [], children: [] },
      ],
    });
  });

  it('puts unprefixed attributes in no namespace and keeps xml:lang in the XML namespace', () => {
    const tree = root(`<r xmlns="urn:a" xmlns:p="urn:p" id="1" p:id="2" xml:lang="en"/>`);
    expect(shape(tree)).toMatchObject({
      attributes: ['{http://www.w3.org/XML/1998/namespace}lang=en', '{urn:p}id=2', '{}id=1'],
    });
  });

  it('refuses the same attribute twice through two prefixes of one namespace', () => {
    expect(parseXml(`<r xmlns:a="urn:x" xmlns:b="urn:x" a:k="1" b:k="2"/>`)).toEqual({
      ok: false,
      message: 'Malformed XML: the attribute "b:k" appears twice.',
    });
  });

  it('refuses an undeclared prefix, a prefix bound to nothing and a rebound xml prefix', () => {
    expect(parseXml('<p:r/>').ok).toBe(false);
    expect(parseXml('<r xmlns:p=""/>').ok).toBe(false);
    expect(parseXml('<r xmlns:xml="urn:evil"/>').ok).toBe(false);
  });
});

describe('parseXml: text', () => {
  it('decodes the predefined entities and character references, decimal and hex, beyond the BMP', () => {
    const tree = root('<r a="&quot;&#x9;&apos;">&lt;&amp;&gt; &#233;&#x1F600;</r>');
    expect(tree.children).toEqual(['<&> é😀']);
    expect(tree.attributes[0]?.value).toBe('"\t\'');
  });

  it('keeps CDATA literal and drops comments and processing instructions', () => {
    const tree = root('<r><!-- hidden --><?pi data?>a<![CDATA[<b>&amp;</b>]]>c</r>');
    expect(tree.children).toEqual(['a<b>&amp;</b>c']);
  });

  it('normalises line ends in text and literal whitespace in attribute values', () => {
    const tree = root('<r a="x\r\ny\tz">one\r\ntwo\rthree</r>');
    expect(tree.children).toEqual(['one\ntwo\nthree']);
    expect(tree.attributes[0]?.value).toBe('x y z');
  });
});

describe('parseXml: bounds', () => {
  it('refuses more than 1,000 elements before parsing, and reads 1,000 (end tags, comments and the declaration not counted)', () => {
    const document = (n: number) => `<?xml version="1.0"?><!-- c --><r>${'<t>x</t>'.repeat(n - 1)}</r>`;
    expect(parseXml(document(1000)).ok).toBe(true);
    expect(parseXml(document(1001))).toEqual({ ok: false, message: 'Malformed XML: more than 1000 elements.' });
  });
});

/** Documents on the edges of the fast reader's plain form: some inside it, most just outside (left to fast-xml-parser). */
const EDGE_DOCUMENTS = [
  '<a >x</a>',
  '<a/ >',
  `<a b='1' c="2"/>`,
  '<a b="x&amp;y&#10;z" />',
  '<a b="t\tn\nx"/>',
  '<a\n  b="1"\n  c="2"\n/>',
  '<a>  </a>  ',
  '<?xml version="1.0"?>\n<a/>\n',
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><a/>',
  '<?xml version="1.1"?><a/>',
  '<?xml?><a/>',
  ' <?xml version="1.0"?><a/>',
  '\uFEFF<a/>',
  '<a></b>',
  '<a><b></a></b>',
  '<a></a >',
  '<a>x</a><b/>',
  '<a/>x',
  '<a b="1" b="2"/>',
  '<a b="1"c="2"/>',
  '<a b=1/>',
  '<a>&foo;</a>',
  '<a>&#0;</a>',
  '<a>a & b</a>',
  '<a>]]></a>',
  '<a>1 > 0</a>',
  '<a b="<"/>',
  '<a>\u0001</a>',
  '<a>text<!-- c -->more</a>',
  '<a><![CDATA[<x>]]></a>',
  '<a><?pi x?></a>',
  '<__proto__/>',
  '<a __proto__="x"/>',
  '<toString/>',
  '<a constructor="1"/>',
  '<a:b xmlns:a="urn:u"/>',
  '<a:b/>',
  '<a:b:c xmlns:a="urn:u"/>',
  '<a xmlns="urn:u"><b xmlns=""/></a>',
  '<a xmlns:xml="urn:evil"/>',
  '<a>caf\u00e9 \u{1F600}</a>',
  '',
  'x',
  '<a',
  '<a b',
  '<a b=',
  '<a b="',
  '<a><b>',
];

describe('parseXml: the fast reader', () => {
  const fixtures = readdirSync(fileURLToPath(new URL('../../../fixtures/pidf/', import.meta.url))).filter((f) => f.endsWith('.xml'));

  it.each(fixtures)('given the fixture %s, then it reads what fast-xml-parser reads', (name) => {
    const text = fixture(name);
    expect(parseXml(text)).toEqual(parseXml(text, 'fast-xml-parser'));
  });

  it.each(EDGE_DOCUMENTS)('given %j, then the answer (tree or error sentence) is the one fast-xml-parser gives', (text) => {
    expect(parseXml(text)).toEqual(parseXml(text, 'fast-xml-parser'));
  });

  it('reads well-formed documents in linear time: long text, long attribute values, white space in a tag, many elements, entity references', () => {
    /** `unit` whole as often as fits in `bytes` between `<r>` and `</r>`, so the document stays well-formed. */
    const inRoot = (unit: string) => (bytes: number) => `<r>${unit.repeat(Math.floor((bytes - 7) / unit.length))}</r>`;
    const long = 'e'.repeat(50);
    for (const makeInput of [
      inRoot('x'),
      (bytes: number) => padded('<r a="', 'v', bytes, '"/>'),
      (bytes: number) => padded('<r', ' ', bytes, '/>'),
      inRoot(`<${long} a="1">t</${long}>`),
      inRoot('&amp;'),
    ]) {
      expect(parseXml(makeInput(4096)).ok).toBe(true);
      expectLinearTime(makeInput, parseXml);
    }
  });
});

describe('serializeXml', () => {
  it('writes a tree that parses back to the same tree, with fresh prefixes', () => {
    const original = root(
      `<a:r xmlns:a="urn:a" xmlns:q="urn:b" xmlns:z="urn:c" q:attr="v &amp; &quot;w&quot;"><q:x>1 &lt; 2</q:x><z:y z:k="&#10;"/><n xmlns="">text</n></a:r>`,
    );
    const again = roundTrip(original, 'urn:a');
    expect(shape(again)).toEqual(shape(original));
  });

  it('gives an attribute in the default namespace a real prefix (an unprefixed one would be in no namespace)', () => {
    const original = root(`<p:r xmlns:p="urn:a" p:flag="1" plain="2"/>`);
    const text = serializeXml(original, { defaultNamespace: 'urn:a', preferredPrefixes: new Map() });
    expect(shape(root(text))).toEqual(shape(original));
    expect(text).toMatch(/ p:flag="1"/);
  });

  it('declares a preferred prefix for a namespace even when the sender used another', () => {
    const text = serializeXml(root(`<r xmlns:other="urn:b"><other:x/></r>`), {
      defaultNamespace: null,
      preferredPrefixes: new Map([['urn:b', 'b']]),
    });
    expect(text).toContain('xmlns:b="urn:b"');
    expect(text).toContain('<b:x/>');
  });
});
