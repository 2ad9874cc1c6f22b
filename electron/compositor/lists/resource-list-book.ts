/**
 * The owners' buddy lists: one RFC 4826 resource-lists document per owner AOR, as the owner last wrote it over XCAP
 * (RFC 4825 §8.2.1: a PUT replaces the whole document), and the members it names — the resources of the owner's
 * list URI (list-uri.ts, RFC 4662).
 *
 * Members are the `<entry>` URIs of every `<list>` in the document, nested lists included, each AOR once (the first
 * entry's display name wins). What a list server would have to fetch from elsewhere — `<entry-ref>`, `<external>` —
 * is refused when written (409 from XCAP): this compositor serves only its own presentities. A stored document that
 * no longer reads (edited by hand, written under other limits) is kept for GET but names no members, and the log
 * says why — as the rules book does with presence rules.
 */
import { parseResourceLists, type ResourceList } from '../../../shared/resource-lists/resource-lists';
import { printable } from '../../../shared/pidf/xml';
import type { RulesStorage, RulesWrite } from '../authorization/rules-book';
import { aorOfText, type Aor } from '../message/aor';

/** The most members one list may have; docs/compositor-limits.md. The app's buddy limit is 5,000. */
export const MAX_LIST_MEMBERS = 10_000;
/** The largest resource-lists document taken over XCAP: 10,000 entries with display names fit. */
export const MAX_RESOURCE_LISTS_BYTES = 2 * 1024 * 1024;

/** One resource of a list. */
export interface ListMember {
  readonly aor: Aor;
  /** The entry's display name (RFC 4826 §3.2), for the RLMI `<name>`; null when it has none. */
  readonly displayName: string | null;
}

/** The buddy lists of every owner. Storage is the same kind as the presence rules' (memory, or the state file). */
export class ResourceListBook {
  private readonly documents = new Map<string, { readonly xml: string; readonly members: readonly ListMember[] }>();
  private readonly listeners: Array<(ownerAorKey: string) => void> = [];

  constructor(
    private readonly storage: RulesStorage,
    onUnreadable: (ownerAorKey: string, reason: string) => void = () => undefined,
  ) {
    for (const [owner, xml] of storage.load()) {
      const read = membersOf(xml);
      if (!read.ok) onUnreadable(owner, read.reason);
      this.documents.set(owner, { xml, members: read.ok ? read.members : [] });
    }
  }

  /** The owner's document as written, or null when there is none. */
  documentOf(ownerAorKey: string): string | null {
    return this.documents.get(ownerAorKey)?.xml ?? null;
  }

  /** The members of the owner's list, in document order; none when the owner has written no list. */
  membersOf(ownerAorKey: string): readonly ListMember[] {
    return this.documents.get(ownerAorKey)?.members ?? [];
  }

  /** Reads, stores and applies an owner's new document; listeners hear of it once it is stored. */
  write(ownerAorKey: string, xml: string): RulesWrite {
    const read = membersOf(xml);
    if (!read.ok) return read;
    const created = !this.documents.has(ownerAorKey);
    this.storage.save(ownerAorKey, xml);
    this.documents.set(ownerAorKey, { xml, members: read.members });
    for (const listener of this.listeners) listener(ownerAorKey);
    return { ok: true, created };
  }

  /** Calls `listener` with the owner's key after each change of that owner's list. */
  onChange(listener: (ownerAorKey: string) => void): void {
    this.listeners.push(listener);
  }
}

/** The members a document names, or why it cannot be a buddy list here (a sentence for the 409's phrase). */
function membersOf(xml: string): { ok: true; members: ListMember[] } | { ok: false; reason: string } {
  const parsed = parseResourceLists(xml, { maxItems: MAX_LIST_MEMBERS, maxChars: MAX_RESOURCE_LISTS_BYTES });
  if (!parsed.ok) return { ok: false, reason: parsed.message };
  const members = new Map<string, ListMember>();
  const walk = (list: ResourceList): string | null => {
    for (const item of list.items) {
      switch (item.kind) {
        case 'entry': {
          const aor = aorOfText(item.uri);
          if (aor === null) return `The entry ${printable(item.uri, 60)} is not a SIP address-of-record.`;
          if (!members.has(aor.key)) members.set(aor.key, { aor, displayName: item.displayName ?? null });
          break;
        }
        case 'list': {
          const problem = walk(item.list);
          if (problem !== null) return problem;
          break;
        }
        case 'entry-ref':
        case 'external':
          return `This server keeps only lists of entries: <${item.kind}> (${printable(item.kind === 'entry-ref' ? item.ref : item.anchor, 60)}) is not followed; list the entries themselves.`;
      }
    }
    return null;
  };
  for (const list of parsed.document.lists) {
    const problem = walk(list);
    if (problem !== null) return { ok: false, reason: problem };
  }
  return { ok: true, members: [...members.values()] };
}
