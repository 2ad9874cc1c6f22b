/**
 * The owners' presence rules (RFC 5025 pres-rules documents), one per owner AOR, as the owner last wrote them over
 * XCAP (RFC 4825 §8.2.1: a PUT replaces the whole document; a GET returns it as written).
 *
 * The documents are kept as text behind `RulesStorage` (in memory unless the embedder gives another one, e.g. on a
 * database) and read once into the model (shared/pres-rules/) for the decisions. An owner without a document gets
 * the server's default handling; a stored document that no longer reads (edited by hand, written by an older
 * version) is kept for GET but decides nothing, so the default applies and the log says why.
 */
import { parsePresRules, type PresRules, type SubHandling } from '../../../shared/pres-rules';

/** Where the rules documents live: all of them read at start, each saved when its owner writes it. */
export interface RulesStorage {
  /** Every stored document by owner AOR key (`user@host`). */
  load(): ReadonlyMap<string, string>;
  /** Keeps one owner's document (replacing the previous one). */
  save(ownerAorKey: string, presRulesXml: string): void;
}

/** The default storage: in memory, gone when the compositor stops. */
export class InMemoryRulesStorage implements RulesStorage {
  private readonly documents = new Map<string, string>();

  load(): ReadonlyMap<string, string> {
    return new Map(this.documents);
  }

  save(ownerAorKey: string, presRulesXml: string): void {
    this.documents.set(ownerAorKey, presRulesXml);
  }
}

/** What writing a document did: replaced an existing one or created it, or why it was refused. */
export type RulesWrite = { readonly ok: true; readonly created: boolean } | { readonly ok: false; readonly reason: string };

/** The rules of every owner, with the server's default for owners who have written none. */
export class RulesBook {
  private readonly documents = new Map<string, { readonly xml: string; readonly rules: PresRules | null }>();
  private readonly listeners: Array<(ownerAorKey: string) => void> = [];

  /** `onUnreadable` hears about stored documents that no longer read (they decide nothing). */
  constructor(
    private readonly storage: RulesStorage,
    /** The handling of watchers of an owner without rules. */
    readonly defaultHandling: SubHandling,
    onUnreadable: (ownerAorKey: string, reason: string) => void = () => undefined,
  ) {
    for (const [owner, xml] of storage.load()) {
      const parsed = parsePresRules(xml);
      if (!parsed.ok) onUnreadable(owner, parsed.reason);
      this.documents.set(owner, { xml, rules: parsed.ok ? parsed.rules : null });
    }
  }

  /** The owner's document as written, or null when there is none. */
  documentOf(ownerAorKey: string): string | null {
    return this.documents.get(ownerAorKey)?.xml ?? null;
  }

  /** The rules that decide for an owner's watchers (the server's default when the owner has none). */
  rulesOf(ownerAorKey: string): PresRules {
    return this.documents.get(ownerAorKey)?.rules ?? { defaultHandling: this.defaultHandling, byWatcher: new Map() };
  }

  /** Reads, stores and applies an owner's new document; listeners hear of it once it is stored. */
  write(ownerAorKey: string, presRulesXml: string): RulesWrite {
    const parsed = parsePresRules(presRulesXml);
    if (!parsed.ok) return parsed;
    const created = !this.documents.has(ownerAorKey);
    this.storage.save(ownerAorKey, presRulesXml);
    this.documents.set(ownerAorKey, { xml: presRulesXml, rules: parsed.rules });
    for (const listener of this.listeners) listener(ownerAorKey);
    return { ok: true, created };
  }

  /** Calls `listener` with the owner's key after each change of that owner's rules. */
  onChange(listener: (ownerAorKey: string) => void): void {
    this.listeners.push(listener);
  }
}
