/**
 * Groups trace records into what a support engineer follows as one story, for the ladder view:
 *
 * - a **publication** (RFC 3903): the PUBLISH requests of one event state and their answers. They are
 *   chained by entity tag — a PUBLISH whose SIP-If-Match names an ETag that an earlier 2xx issued
 *   belongs to that earlier chain (§4.2: the ETag, not the Call-ID, identifies the publication) — and
 *   by Call-ID (an initial PUBLISH challenged for credentials and sent again). Each PUBLISH is a step:
 *
 *       initial ──2xx: SIP-ETag e1──► refresh (If-Match e1, no body) ──2xx: e2──► modify (If-Match e2,
 *       body) ──2xx: e3──► remove (If-Match e3, Expires: 0)
 *
 * - a **subscription** (RFC 6665): one dialog — SUBSCRIBE, its answer, the NOTIFYs and refreshes — by
 *   Call-ID; its state is the latest Subscription-State (§8.2.3) or the SUBSCRIBE's 2xx Expires;
 * - a **registration** (RFC 3261 §10): REGISTERs sharing a Call-ID (a UA keeps it across refreshes);
 * - any other **dialog or transaction**, by Call-ID.
 *
 * Each group knows when its state lapses unless refreshed (`expiresAt`), for the countdown. The index is
 * incremental like TraceFilterIndex: `sync()` reads only records appended since, and forgets records the
 * buffer dropped (the oldest member of their group, since both are in arrival order).
 */
import { grown, type TraceBuffer } from './trace-buffer';
import { readSubscriptionState, type TraceRecord, type TraceSummary } from './trace-summary';

export type TraceGroupKind = 'publication' | 'subscription' | 'registration' | 'dialog';

/** What kind of PUBLISH a request is (RFC 3903 §4.1, table 1). */
export type PublishStep = 'initial' | 'refresh' | 'modify' | 'remove';

/**
 * Where the group's state stands after its latest message:
 * - `pending`: asked, no final answer yet (or a subscription awaiting authorisation);
 * - `active`: published / subscribed / registered, until `expiresAt`;
 * - `ended`: removed, unsubscribed, unregistered or terminated (`detail` says how);
 * - `failed`: the latest final answer was an error (`detail` has it);
 * - `none`: a dialog or transaction without a lifetime.
 */
export type TraceGroupState = 'pending' | 'active' | 'ended' | 'failed' | 'none';

export interface TraceGroup {
  readonly id: number;
  readonly kind: TraceGroupKind;
  /** e.g. `Subscription to sip:bob@example.com (presence)`. */
  readonly title: string;
  /** The AOR the story is about: the presentity, the publisher, the registered user. */
  readonly aor: string;
  readonly event: string;
  /** Sequence numbers of the members still held, in arrival order. */
  readonly seqs: readonly number[];
  readonly callIds: readonly string[];
  /** Entity tags issued to this publication, oldest first. */
  readonly etags: readonly string[];
  readonly firstAt: number;
  readonly lastAt: number;
  readonly state: TraceGroupState;
  /** e.g. `terminated;reason=timeout`, `412 Conditional Request Failed`. */
  readonly detail: string;
  /** When the state lapses unless refreshed (ms since the epoch), or null. */
  readonly expiresAt: number | null;
  /** For a publication: the step each PUBLISH (by sequence number) was. */
  readonly steps: ReadonlyMap<number, PublishStep>;
}

/** The kind of PUBLISH `summary` is: initial, refresh, modify or remove (RFC 3903 §4.1). */
export function publishStep(summary: TraceSummary): PublishStep {
  if (summary.ifMatch === '') return 'initial';
  if (summary.expires === 0) return 'remove';
  return summary.bodySize > 0 ? 'modify' : 'refresh';
}

interface MutableGroup {
  id: number;
  kind: TraceGroupKind;
  title: string;
  aor: string;
  event: string;
  seqs: number[];
  /** Offset of the first live member in `seqs`. */
  start: number;
  callIds: string[];
  etags: string[];
  firstAt: number;
  lastAt: number;
  state: TraceGroupState;
  detail: string;
  expiresAt: number | null;
  steps: Map<number, PublishStep>;
  /** Requests' Expires by CSeq number, for an answer that does not repeat it. */
  requestedExpires: Map<number, number | null>;
  /** Publish step by CSeq number, so an answer knows what it answers. */
  stepByCseq: Map<number, PublishStep>;
  /** A NOTIFY has said what the subscription's state is. */
  hasNotifyState: boolean;
  /** A copy handed out by `groups()`, rebuilt only when this group changed. */
  view: TraceGroup | null;
}

export class TraceGroupIndex {
  private readonly byId = new Map<number, MutableGroup>();
  private readonly byCallId = new Map<string, MutableGroup>();
  private readonly byEtag = new Map<string, MutableGroup>();
  /** The group id of the record in each ring slot of the buffer (0: none), for positions before `syncedTo`; grows with use. */
  private groupBySlot = new Uint32Array(1024);
  private nextId = 1;
  private syncedTo: number;
  /** Positions, sequence numbers and group ids of every filed record, in arrival order, from `filedStart`. */
  private filedPositions: number[] = [];
  private filedSeqs: number[] = [];
  private filedGroups: number[] = [];
  private filedStart = 0;
  /** Changes whenever a group changes. */
  version = 0;

  constructor(readonly buffer: TraceBuffer) {
    this.syncedTo = buffer.firstPosition;
  }

  /** Catches up with the buffer: forgets dropped records, files new ones. */
  sync(): void {
    const { buffer } = this;
    const first = buffer.firstPosition;
    let changed = false;
    // Filed records in arrival order: the buffer drops from the front, so do we.
    while (this.filedStart < this.filedPositions.length && this.filedPositions[this.filedStart]! < first) {
      this.forget(this.filedSeqs[this.filedStart]!, this.filedGroups[this.filedStart]!);
      this.filedStart++;
      changed = true;
    }
    if (this.filedStart > 4096 && this.filedStart * 2 > this.filedPositions.length) {
      this.filedPositions = this.filedPositions.slice(this.filedStart);
      this.filedSeqs = this.filedSeqs.slice(this.filedStart);
      this.filedGroups = this.filedGroups.slice(this.filedStart);
      this.filedStart = 0;
    }
    const end = buffer.endPosition;
    for (let position = Math.max(this.syncedTo, first); position < end; position++) {
      const group = this.file(buffer.atPosition(position)!, position);
      const slot = buffer.slotOf(position);
      if (slot >= this.groupBySlot.length) {
        this.groupBySlot = grown(
          new Uint32Array(Math.min(buffer.capacity, Math.max(slot + 1, this.groupBySlot.length * 2))),
          this.groupBySlot,
        );
      }
      this.groupBySlot[slot] = group;
      if (group !== 0) changed = true;
    }
    this.syncedTo = end;
    if (changed) this.version++;
  }

  /** Every group with a member still held, newest activity first. */
  groups(): TraceGroup[] {
    const out: TraceGroup[] = [];
    for (const group of this.byId.values()) out.push(this.view(group));
    return out.sort((a, b) => b.lastAt - a.lastAt || b.id - a.id);
  }

  /** The group a record belongs to, by its sequence number. */
  groupOfSeq(seq: number): TraceGroup | undefined {
    const position = this.buffer.positionOfSeq(seq);
    if (position < 0 || position >= this.syncedTo) return undefined;
    const group = this.byId.get(this.groupBySlot[this.buffer.slotOf(position)]!);
    return group ? this.view(group) : undefined;
  }

  /** A group by id, if it still has members. */
  group(id: number): TraceGroup | undefined {
    const group = this.byId.get(id);
    return group ? this.view(group) : undefined;
  }

  // ── Filing ──────────────────────────────────────────────────────────────────────────────────────

  /** Files one record in its group: the group's id, 0 when it belongs to none (keep-alive, no Call-ID). */
  private file(record: TraceRecord, position: number): number {
    const { summary, entry } = record;
    if (summary.kind !== 'request' && summary.kind !== 'response') return 0;
    if (summary.callId === '') return 0;

    let group = this.byCallId.get(summary.callId);
    // A PUBLISH continuing an earlier publication by its ETag joins it, whatever its Call-ID.
    if (summary.kind === 'request' && summary.method === 'PUBLISH' && summary.ifMatch !== '') {
      const chained = this.byEtag.get(summary.ifMatch);
      if (chained) group = chained;
    }
    if (!group) group = this.create(record);
    if (!group.callIds.includes(summary.callId)) group.callIds.push(summary.callId);
    this.byCallId.set(summary.callId, group);

    group.seqs.push(entry.seq);
    group.lastAt = entry.at;
    group.view = null;
    this.filedPositions.push(position);
    this.filedSeqs.push(entry.seq);
    this.filedGroups.push(group.id);
    this.update(group, record);
    return group.id;
  }

  private create(record: TraceRecord): MutableGroup {
    const { summary, entry } = record;
    const kind: TraceGroupKind =
      summary.method === 'PUBLISH'
        ? 'publication'
        : summary.method === 'SUBSCRIBE' || (summary.method === 'NOTIFY' && summary.event !== '')
          ? 'subscription'
          : summary.method === 'REGISTER'
            ? 'registration'
            : 'dialog';
    const event = eventPackage(summary.event);
    // Whose state: for our requests the To side (the presentity we watch, the AOR we register or
    // publish); for requests to us the From side; a NOTIFY comes from the presentity.
    const isOurs = (entry.direction === 'out') === (summary.kind === 'request');
    let aor = isOurs ? summary.to : summary.from;
    if (summary.method === 'NOTIFY') aor = summary.kind === 'request' ? (entry.direction === 'in' ? summary.from : summary.to) : summary.to;
    const title =
      kind === 'publication'
        ? `Publication of ${aor}${event ? ` (${event})` : ''}`
        : kind === 'subscription'
          ? `${summary.method === 'SUBSCRIBE' && !isOurs ? 'Subscription from' : 'Subscription to'} ${summary.method === 'SUBSCRIBE' && !isOurs ? summary.from : aor}${event ? ` (${event})` : ''}`
          : kind === 'registration'
            ? `Registration of ${aor}`
            : `${summary.method || 'Dialog'} ${summary.callId}`;
    const group: MutableGroup = {
      id: this.nextId++,
      kind,
      title,
      aor,
      event,
      seqs: [],
      start: 0,
      callIds: [],
      etags: [],
      firstAt: entry.at,
      lastAt: entry.at,
      state: kind === 'dialog' ? 'none' : 'pending',
      detail: '',
      expiresAt: null,
      steps: new Map(),
      requestedExpires: new Map(),
      stepByCseq: new Map(),
      hasNotifyState: false,
      view: null,
    };
    this.byId.set(group.id, group);
    return group;
  }

  /** Applies one message to its group's state and expiry. */
  private update(group: MutableGroup, record: TraceRecord): void {
    const { summary, entry } = record;
    if (summary.kind === 'request') {
      remember(group.requestedExpires, summary.cseqNumber, summary.expires);
      if (summary.method === 'PUBLISH') {
        const step = publishStep(summary);
        group.steps.set(entry.seq, step);
        remember(group.stepByCseq, summary.cseqNumber, step);
      }
      if (summary.method === 'NOTIFY' && group.kind === 'subscription' && summary.subscriptionState !== '') {
        const { state, expires, reason } = readSubscriptionState(summary.subscriptionState);
        group.hasNotifyState = true;
        group.detail = summary.subscriptionState;
        if (state === 'active' || state === 'pending') {
          group.state = state === 'active' ? 'active' : 'pending';
          if (expires !== null) group.expiresAt = entry.at + expires * 1000;
        } else if (state === 'terminated') {
          group.state = 'ended';
          group.expiresAt = null;
          group.detail = reason ? `terminated (${reason})` : 'terminated';
        }
      }
      return;
    }

    // A response: only final answers to the group's defining request change its state.
    const code = summary.statusCode;
    if (code < 200) return;
    const defining =
      group.kind === 'publication'
        ? 'PUBLISH'
        : group.kind === 'subscription'
          ? 'SUBSCRIBE'
          : group.kind === 'registration'
            ? 'REGISTER'
            : null;
    if (defining === null || summary.method !== defining) return;
    if (code === 401 || code === 407) {
      // A challenge: the request is about to be sent again with credentials.
      group.detail = `${summary.label} (credentials asked)`;
      return;
    }
    if (code >= 300) {
      group.state = 'failed';
      group.detail = summary.label;
      group.expiresAt = null;
      return;
    }
    const expires = summary.expires ?? group.requestedExpires.get(summary.cseqNumber) ?? null;
    if (group.kind === 'publication') {
      if (summary.etag !== '') {
        group.etags.push(summary.etag);
        this.byEtag.set(summary.etag, group);
      }
      const step = group.stepByCseq.get(summary.cseqNumber);
      if (step === 'remove' || expires === 0) {
        group.state = 'ended';
        group.detail = 'removed';
        group.expiresAt = null;
      } else {
        group.state = 'active';
        group.detail = `published${step ? ` (${step})` : ''}${summary.etag ? `, ETag ${summary.etag}` : ''}`;
        group.expiresAt = expires === null ? null : record.entry.at + expires * 1000;
      }
    } else if (group.kind === 'subscription') {
      if (expires === 0) {
        group.state = 'ended';
        group.detail = 'unsubscribed';
        group.expiresAt = null;
      } else {
        // The 2xx sets the lifetime; whether the watcher is authorised (active or pending) is the
        // NOTIFY's to say (RFC 6665 §4.1.2.3), so a NOTIFY's word is kept.
        if (!group.hasNotifyState) {
          group.state = 'active';
          group.detail = summary.label;
        }
        if (expires !== null) group.expiresAt = record.entry.at + expires * 1000;
      }
    } else {
      if (expires === 0) {
        group.state = 'ended';
        group.detail = 'unregistered';
        group.expiresAt = null;
      } else {
        group.state = 'active';
        group.detail = 'registered';
        group.expiresAt = expires === null ? null : record.entry.at + expires * 1000;
      }
    }
  }

  // ── Forgetting what the buffer dropped ──────────────────────────────────────────────────────────

  private forget(seq: number, id: number): void {
    const group = this.byId.get(id);
    if (!group) return;
    group.steps.delete(seq);
    // Dropped records are the oldest, so each is its group's first live member.
    if (group.seqs[group.start] === seq) group.start++;
    if (group.start > 64 && group.start * 2 > group.seqs.length) {
      group.seqs = group.seqs.slice(group.start);
      group.start = 0;
    }
    group.view = null;
    if (group.start >= group.seqs.length) {
      this.byId.delete(group.id);
      for (const callId of group.callIds) if (this.byCallId.get(callId) === group) this.byCallId.delete(callId);
      for (const etag of group.etags) if (this.byEtag.get(etag) === group) this.byEtag.delete(etag);
    }
  }

  private view(group: MutableGroup): TraceGroup {
    group.view ??= {
      id: group.id,
      kind: group.kind,
      title: group.title,
      aor: group.aor,
      event: group.event,
      seqs: group.seqs.slice(group.start),
      callIds: [...group.callIds],
      etags: [...group.etags],
      firstAt: group.firstAt,
      lastAt: group.lastAt,
      state: group.state,
      detail: group.detail,
      expiresAt: group.expiresAt,
      steps: new Map(group.steps),
    };
    return group.view;
  }
}

/** Requests remembered per group for their answers: answers follow within a few requests, not thousands. */
const REQUESTS_REMEMBERED = 64;

/** Sets `key` in `map`, forgetting the oldest key beyond REQUESTS_REMEMBERED (a long subscription's NOTIFYs). */
function remember<V>(map: Map<number, V>, key: number, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > REQUESTS_REMEMBERED) map.delete(map.keys().next().value!);
}

/** The event package without parameters (`presence;id=1` → `presence`). */
function eventPackage(event: string): string {
  const semicolon = event.indexOf(';');
  return (semicolon >= 0 ? event.slice(0, semicolon) : event).trim().toLowerCase();
}
