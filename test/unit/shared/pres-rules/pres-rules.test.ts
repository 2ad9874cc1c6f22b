/**
 * The pres-rules codec (shared/pres-rules/): our documents read back, RFC 5025 §5's example and documents shaped like
 * other clients' (several identities per rule, rules without conditions, overlapping rules), combination by RFC 4745
 * §10 (highest value wins), and what the model cannot hold refused with a reason.
 */
import { describe, expect, it } from 'vitest';
import { buildPresRules, handlingFor, parsePresRules, withWatcherHandling, type PresRules } from '../../../../shared/pres-rules';

const CP = 'urn:ietf:params:xml:ns:common-policy';
const PR = 'urn:ietf:params:xml:ns:pres-rules';

function read(xml: string): PresRules {
  const result = parsePresRules(xml);
  if (!result.ok) throw new Error(result.reason);
  return result.rules;
}

const ruleset = (rules: string) => `<?xml version="1.0" encoding="UTF-8"?>
<cr:ruleset xmlns="${PR}" xmlns:pr="${PR}" xmlns:cr="${CP}">${rules}</cr:ruleset>`;

const rule = (id: string, identity: string | null, handling: string | null) =>
  `<cr:rule id="${id}">${identity === null ? '' : `<cr:conditions><cr:identity>${identity}</cr:identity></cr:conditions>`}` +
  `<cr:actions>${handling === null ? '' : `<pr:sub-handling>${handling}</pr:sub-handling>`}</cr:actions></cr:rule>`;

describe('buildPresRules / parsePresRules', () => {
  it('round-trips: one rule per listed watcher, the default as <many> excepting each of them', () => {
    const rules: PresRules = {
      defaultHandling: 'confirm',
      byWatcher: new Map([
        ['sip:bob@example.com', 'allow'],
        ['sip:mallory@example.com', 'block'],
        ['sip:carol@example.com', 'polite-block'],
      ]),
    };
    const xml = buildPresRules(rules);
    expect(xml).toContain('<cp:one id="sip:bob@example.com"/>');
    expect(xml).toContain('<cp:except id="sip:mallory@example.com"/>');
    expect(xml).toContain(`xmlns:pr="${PR}"`);
    const back = read(xml);
    expect(back.defaultHandling).toBe('confirm');
    expect([...back.byWatcher]).toEqual([...rules.byWatcher]);
  });

  it('every watcher matches exactly one rule of a written document (first-match and highest-wins servers agree)', () => {
    const xml = buildPresRules({ defaultHandling: 'allow', byWatcher: new Map([['sip:mallory@example.com', 'block']]) });
    // Read as a first-match server would: the blocked watcher's own rule must be the only one naming it.
    expect(xml.match(/<cp:rule /g)).toHaveLength(2);
    expect(read(xml)).toEqual({ defaultHandling: 'allow', byWatcher: new Map([['sip:mallory@example.com', 'block']]) });
  });

  it("reads RFC 5025 §5's style of document: a rule for two watchers, transformations ignored", () => {
    const rules = read(
      ruleset(
        `<cr:rule id="a"><cr:conditions><cr:identity><cr:one id="sip:user@example.com"/><cr:one id="sip:other@example.com"/></cr:identity></cr:conditions>
         <cr:actions><pr:sub-handling>allow</pr:sub-handling></cr:actions>
         <cr:transformations><pr:provide-services><pr:service-uri-scheme>sip</pr:service-uri-scheme></pr:provide-services><pr:provide-all-attributes/></cr:transformations></cr:rule>`,
      ),
    );
    expect(handlingFor(rules, 'sip:user@example.com')).toBe('allow');
    expect(handlingFor(rules, 'sip:other@example.com')).toBe('allow');
    // No rule matches anyone else: ask the owner.
    expect(handlingFor(rules, 'sip:stranger@example.com')).toBe('confirm');
  });

  it('combines overlapping rules by the highest value (RFC 4745 §10.2), whatever their order', () => {
    const everyoneBlocked = rule('all', null, 'block');
    const bobAllowed = rule('bob', '<cr:one id="sip:bob@example.com"/>', 'allow');
    const manyConfirm = rule('many', '<cr:many><cr:except id="sip:eve@example.com"/></cr:many>', 'confirm');
    for (const order of [
      [everyoneBlocked, bobAllowed, manyConfirm],
      [manyConfirm, bobAllowed, everyoneBlocked],
    ]) {
      const rules = read(ruleset(order.join('')));
      expect(handlingFor(rules, 'sip:bob@example.com')).toBe('allow');
      expect(handlingFor(rules, 'sip:eve@example.com')).toBe('block');
      expect(handlingFor(rules, 'sip:anyone@example.com')).toBe('confirm');
    }
  });

  it('a rule without sub-handling gives nothing; an empty ruleset asks for everyone', () => {
    const rules = read(ruleset(rule('x', '<cr:one id="sip:bob@example.com"/>', null)));
    expect(handlingFor(rules, 'sip:bob@example.com')).toBe('confirm');
    expect(read(ruleset('')).defaultHandling).toBe('confirm');
  });

  it('refuses what the model cannot hold, and broken documents, each with a reason', () => {
    const cases: Array<[string, RegExp]> = [
      [ruleset(rule('d', '<cr:many domain="example.com"/>', 'allow')), /domain/],
      [ruleset(rule('d', '<cr:many><cr:except domain="evil.com"/></cr:many>', 'allow')), /domain/],
      [ruleset(`<cr:rule id="s"><cr:conditions><cr:sphere value="work"/></cr:conditions><cr:actions/></cr:rule>`), /sphere/],
      [ruleset(rule('v', '<cr:one id="sip:bob@example.com"/>', 'maybe')), /sub-handling "maybe"/],
      [ruleset(rule('n', '<cr:one/>', 'allow')), /without an id/],
      [ruleset(rule('same', null, 'allow') + rule('same', null, 'block')), /Two rules/],
      [ruleset('<cr:rule><cr:actions/></cr:rule>'), /no id/],
      [ruleset(rule('t', '<cr:one id="sip:b@x"/>', 'toString')), /toString/],
      [`<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:a@b"/>`, /not <ruleset>/],
      [`<!DOCTYPE r [<!ENTITY big "x">]><cr:ruleset xmlns:cr="${CP}"/>`, /DTD/],
      [`<cr:ruleset xmlns:cr="${CP}">&big;</cr:ruleset>`, /./],
      ['<cr:ruleset', /./],
    ];
    for (const [xml, reason] of cases) {
      const result = parsePresRules(xml);
      expect(result.ok, xml).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(reason);
    }
  });
});

describe('handlingFor / withWatcherHandling', () => {
  it('matches the scheme and host without regard to case, the user part exactly', () => {
    const rules: PresRules = { defaultHandling: 'confirm', byWatcher: new Map([['sip:Bob@Example.COM', 'allow']]) };
    expect(handlingFor(rules, 'SIP:Bob@example.com')).toBe('allow');
    expect(handlingFor(rules, 'sip:bob@example.com')).toBe('confirm');
  });

  it('sets and clears one watcher without touching the others', () => {
    const start: PresRules = { defaultHandling: 'block', byWatcher: new Map([['sip:a@x', 'allow']]) };
    const withB = withWatcherHandling(start, 'sip:b@x', 'polite-block');
    expect(handlingFor(withB, 'sip:b@x')).toBe('polite-block');
    expect(handlingFor(withB, 'sip:a@x')).toBe('allow');
    expect(handlingFor(withWatcherHandling(withB, 'sip:a@x', null), 'sip:a@x')).toBe('block');
    expect(start.byWatcher.size).toBe(1);
  });
});
