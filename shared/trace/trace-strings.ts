/**
 * Strings the trace holds many copies of, kept once. A capture of a million messages repeats the same
 * few hundred methods, addresses, Call-IDs and header values over and over; every message reading its
 * own copy of each costs far more memory (and garbage-collector work) than the text of the messages.
 *
 * - `StringInterner`: the one copy of each string seen lately (a bounded map, started afresh when full,
 *   so a stream of ever-new values cannot grow it); strings already handed out stay valid.
 * - `CountedStrings`: a small number per distinct string, counted by the records using it, so a column of
 *   numbers can stand for a column of strings (the filter tests each distinct string once, not each
 *   record); a number is reused once no record uses its string.
 */

/** Distinct strings an interner keeps before it starts afresh. */
const INTERNER_SIZE = 65_536;

/** Hands out one copy of each string (see the module comment). */
export class StringInterner {
  private known = new Map<string, string>();

  /** The kept copy of `text` (`text` itself the first time). */
  intern(text: string): string {
    if (text.length === 0) return text;
    const kept = this.known.get(text);
    if (kept !== undefined) return kept;
    if (this.known.size >= INTERNER_SIZE) this.known = new Map();
    // A copy of its own: a slice of one message's text would keep that whole message alive.
    const copy = text.length < 13 ? text : (JSON.parse(JSON.stringify(text)) as string);
    this.known.set(copy, copy);
    return copy;
  }
}

/** Distinct strings by number, each counted by its users (see the module comment). */
export class CountedStrings {
  private readonly ids = new Map<string, number>();
  private readonly texts: string[] = [];
  private uses = new Uint32Array(64);
  /** Numbers no string has now, to be used again. */
  private readonly free: number[] = [];

  /** One more user of `text`: its number. */
  add(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.free.pop() ?? this.texts.length;
      if (id >= this.uses.length) {
        const grown = new Uint32Array(this.uses.length * 2);
        grown.set(this.uses);
        this.uses = grown;
      }
      this.texts[id] = text;
      this.ids.set(text, id);
    }
    this.uses[id]!++;
    return id;
  }

  /** One user fewer of string `id`; its number is free once it has none. */
  release(id: number): void {
    if (this.uses[id] === 0) return;
    if (--this.uses[id]! > 0) return;
    this.ids.delete(this.texts[id]!);
    this.texts[id] = '';
    this.free.push(id);
  }

  /** The string numbered `id` ('' when it has no user). */
  text(id: number): string {
    return this.texts[id] ?? '';
  }

  /** Every number handed out is below this. */
  get limit(): number {
    return this.texts.length;
  }
}
