/**
 * "Log once per source": a flood of refused requests from one address must not become a flood of log
 * lines. The first case of a limit from a source address is logged; further ones from that address are
 * not until `forgetMs` has passed since, so an attack that goes on shows up once per `forgetMs`. Memory is
 * bounded: beyond `capacity` remembered sources the oldest is forgotten (a spoofer rotating addresses
 * gets more lines, never more memory).
 */
import type { LimitName } from './limits';

/** Default time a logged source stays remembered: five minutes. */
const LIMIT_LOG_FORGET_MS = 5 * 60_000;
const DEFAULT_CAPACITY = 4096;

/** Decides which limit cases are logged: the first per limit and source address within a window. */
export class OncePerSource {
  /** `limit address` → when it was logged; Map order is oldest first, since entries are only ever appended. */
  private readonly loggedAt = new Map<string, number>();

  constructor(
    private readonly forgetMs: number = LIMIT_LOG_FORGET_MS,
    private readonly capacity: number = DEFAULT_CAPACITY,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a case of `limit` from `address`; true when it should be logged. */
  shouldLog(limit: LimitName, address: string): boolean {
    const now = this.now();
    for (const [key, at] of this.loggedAt) {
      if (now - at < this.forgetMs) break;
      this.loggedAt.delete(key);
    }
    const key = `${limit} ${address}`;
    if (this.loggedAt.has(key)) return false;
    this.loggedAt.set(key, now);
    if (this.loggedAt.size > this.capacity) this.loggedAt.delete(this.loggedAt.keys().next().value as string);
    return true;
  }

  /** Sources remembered now. */
  get size(): number {
    return this.loggedAt.size;
  }
}
