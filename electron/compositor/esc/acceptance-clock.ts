/**
 * Stamps for accepted publication states, strictly increasing. RFC 3903 composition lets the newest
 * publication win a tuple-id clash (shared/pidf composePresenceDocuments orders by these stamps), and on
 * loopback two PUBLISHes for one AOR are often accepted within the same millisecond: with plain
 * `Date.now()` they would tie, and the tie would fall back to creation order, letting an older state win.
 */
export class AcceptanceClock {
  private last = Number.NEGATIVE_INFINITY;

  /** The stamp for a state accepted at `now` (ms): `now`, or a microsecond after the previous stamp. */
  stamp(now: number): number {
    this.last = Math.max(now, this.last + 0.001);
    return this.last;
  }
}
