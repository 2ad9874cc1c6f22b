/**
 * The owners' buddy lists (lists/resource-list-book.ts) and the list URI rule (lists/list-uri.ts): which members a
 * resource-lists document names, what it refuses, and how a list URI and its owner map onto each other.
 */
import { describe, expect, it } from 'vitest';
import { InMemoryRulesStorage } from '../../../../../electron/compositor/authorization/rules-book';
import { ResourceListBook } from '../../../../../electron/compositor/lists/resource-list-book';
import { listOwnerOf, listUriOf } from '../../../../../electron/compositor/lists/list-uri';
import { aorOfText, type Aor } from '../../../../../electron/compositor/message/aor';

const NS = 'urn:ietf:params:xml:ns:resource-lists';
const aor = (text: string): Aor => aorOfText(text) as Aor;

describe('the list URI', () => {
  it('given an owner, then the list URI appends -buddies to the user part, and the owner is read back from it', () => {
    expect(listUriOf(aor('sip:alice@example.com'))).toBe('sip:alice-buddies@example.com');
    expect(listOwnerOf(aor('sip:alice-buddies@example.com'))?.key).toBe('alice@example.com');
    expect(listOwnerOf(aor('sips:a%20b-buddies@example.com'))?.user).toBe('a b');
  });

  it('given AORs that are no list, then they have no owner', () => {
    expect(listOwnerOf(aor('sip:alice@example.com'))).toBeNull();
    expect(listOwnerOf(aor('sip:-buddies@example.com'))).toBeNull();
  });
});

describe('the buddy lists', () => {
  it('given nested lists with a repeated entry, when written, then each AOR is a member once, in order, with its first display name', () => {
    const book = new ResourceListBook(new InMemoryRulesStorage());
    const written = book.write(
      'alice@example.com',
      `<resource-lists xmlns="${NS}"><list name="a"><entry uri="sip:bob@example.com"><display-name>Bob</display-name></entry>` +
        `<list name="b"><entry uri="sip:carol@example.com"/><entry uri="sips:bob@example.com;transport=tls"><display-name>B</display-name></entry></list></list></resource-lists>`,
    );
    expect(written).toEqual({ ok: true, created: true });
    expect(book.membersOf('alice@example.com').map((m) => [m.aor.key, m.displayName])).toEqual([
      ['bob@example.com', 'Bob'],
      ['carol@example.com', null],
    ]);
  });

  it('given entries that point elsewhere or are no AOR, when written, then refused with a sentence and nothing changes', () => {
    const storage = new InMemoryRulesStorage();
    const book = new ResourceListBook(storage);
    const heard: string[] = [];
    book.onChange((owner) => heard.push(owner));
    const refused = book.write(
      'alice@example.com',
      `<resource-lists xmlns="${NS}"><list><external anchor="http://x/y"/></list></resource-lists>`,
    );
    expect(refused.ok === false && refused.reason).toMatch(/<external> .* is not followed/);
    expect(book.write('alice@example.com', `<resource-lists xmlns="${NS}"><list><entry uri="tel:+1"/></list></resource-lists>`).ok).toBe(
      false,
    );
    expect([book.documentOf('alice@example.com'), storage.load().size, heard]).toEqual([null, 0, []]);
  });

  it('given a stored document that no longer reads, when the book starts, then it names no members and the reason is told', () => {
    const storage = new InMemoryRulesStorage();
    storage.save('alice@example.com', '<not-a-list/>');
    const unreadable: string[] = [];
    const book = new ResourceListBook(storage, (owner) => unreadable.push(owner));
    expect([book.membersOf('alice@example.com'), book.documentOf('alice@example.com'), unreadable]).toEqual([
      [],
      '<not-a-list/>',
      ['alice@example.com'],
    ]);
  });
});
