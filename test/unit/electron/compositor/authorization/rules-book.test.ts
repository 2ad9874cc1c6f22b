/**
 * The rules book (electron/compositor/authorization/): documents survive in the RulesStorage (here an in-memory fake
 * of the interface, as a database would implement it), the server's default for owners without rules, and the
 * decision for a watcher.
 */
import { describe, expect, it } from 'vitest';
import { decideWatcher, defaultHandling } from '../../../../../electron/compositor/authorization/decision';
import { RulesBook, type RulesStorage } from '../../../../../electron/compositor/authorization/rules-book';
import { aorOfText, type Aor } from '../../../../../electron/compositor/message/aor';
import { buildPresRules, handlingFor } from '../../../../../shared/pres-rules';

/** A storage that records what it was asked to keep, like a database table keyed by owner. */
class RecordingStorage implements RulesStorage {
  readonly rows = new Map<string, string>();
  saves = 0;
  load(): ReadonlyMap<string, string> {
    return new Map(this.rows);
  }
  save(ownerAorKey: string, presRulesXml: string): void {
    this.saves++;
    this.rows.set(ownerAorKey, presRulesXml);
  }
}

const aor = (text: string): Aor => aorOfText(text) as Aor;
const ALICE = aor('sip:alice@example.com');
const BOB = aor('sip:bob@example.com');
const blockBob = buildPresRules({ defaultHandling: 'allow', byWatcher: new Map([['sip:bob@example.com', 'block']]) });

describe('RulesBook', () => {
  it('given a written document, when a new book is made on the same storage, then the rules are back', () => {
    const storage = new RecordingStorage();
    const first = new RulesBook(storage, 'confirm');
    expect(first.write(ALICE.key, blockBob)).toEqual({ ok: true, created: true });
    expect(first.write(ALICE.key, blockBob)).toEqual({ ok: true, created: false });
    expect(storage.saves).toBe(2);
    const second = new RulesBook(storage, 'confirm');
    expect(second.documentOf(ALICE.key)).toBe(blockBob);
    expect(handlingFor(second.rulesOf(ALICE.key), BOB.uri)).toBe('block');
    expect(handlingFor(second.rulesOf(ALICE.key), 'sip:carol@example.com')).toBe('allow');
  });

  it('given a document it cannot read, then nothing is stored and listeners hear nothing', () => {
    const storage = new RecordingStorage();
    const book = new RulesBook(storage, 'confirm');
    const changed: string[] = [];
    book.onChange((owner) => changed.push(owner));
    expect(book.write(ALICE.key, '<not-rules/>')).toMatchObject({ ok: false, reason: expect.stringContaining('not <ruleset>') });
    expect([storage.saves, changed, book.documentOf(ALICE.key)]).toEqual([0, [], null]);
    book.write(ALICE.key, blockBob);
    expect(changed).toEqual([ALICE.key]);
  });

  it('given a stored document that no longer reads, then it is kept for GET, the default decides, and the embedder is told', () => {
    const storage = new RecordingStorage();
    storage.rows.set(ALICE.key, '<broken');
    const unreadable: string[] = [];
    const book = new RulesBook(storage, 'block', (owner, reason) => unreadable.push(`${owner}: ${reason}`));
    expect(unreadable).toHaveLength(1);
    expect(book.documentOf(ALICE.key)).toBe('<broken');
    expect(book.rulesOf(ALICE.key).defaultHandling).toBe('block');
  });
});

describe('decideWatcher / defaultHandling', () => {
  it('asks with a users file, allows without, and --default-rule overrides either', () => {
    expect([defaultHandling(undefined, true), defaultHandling(undefined, false)]).toEqual(['confirm', 'allow']);
    expect([defaultHandling('ask', false), defaultHandling('block', true), defaultHandling('allow', true)]).toEqual([
      'confirm',
      'block',
      'allow',
    ]);
  });

  it('the owner always may watch themselves; others get their rule, else the default', () => {
    const book = new RulesBook(new RecordingStorage(), 'block');
    expect(decideWatcher(book, ALICE, ALICE, ALICE.uri)).toBe('allow');
    expect(decideWatcher(book, ALICE, BOB, BOB.uri)).toBe('block');
    book.write(ALICE.key, buildPresRules({ defaultHandling: 'confirm', byWatcher: new Map([['sip:bob@example.com', 'polite-block']]) }));
    expect(decideWatcher(book, ALICE, BOB, BOB.uri)).toBe('polite-block');
    expect(decideWatcher(book, ALICE, null, 'tel:+4912345')).toBe('confirm');
  });
});
