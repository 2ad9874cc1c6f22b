/**
 * Lays out a ladder (sequence) diagram of a group of trace records, as sngrep's call flow does: one lane
 * for this app and one per remote address in order of first appearance, one arrow per message from
 * sender to receiver, labelled with the method or status and the time since the first message.
 * Plain data; the renderer draws it.
 */
import type { TraceEndpoint } from './trace-entry';
import { formatEndpoint } from './trace-format';
import { publishStep, type PublishStep } from './trace-groups';
import { responseClass, type TraceRecord } from './trace-summary';

export interface LadderLane {
  /** `app` for this app; else the remote address, `127.0.0.1:5060`. */
  readonly key: string;
  readonly label: string;
  /** The transport(s) used with it, or our local address(es), for the lane's subtitle. */
  readonly detail: string;
}

export interface LadderArrow {
  readonly seq: number;
  /** Lane indexes; lane 0 is this app. */
  readonly from: number;
  readonly to: number;
  /** `PUBLISH (refresh)`, `200 OK`. */
  readonly label: string;
  /** Headers worth seeing on the arrow: Expires, SIP-ETag, Subscription-State. */
  readonly detail: string;
  readonly at: number;
  /** Milliseconds since the ladder's first message. */
  readonly offsetMs: number;
  readonly isRequest: boolean;
  /** 0 for requests. */
  readonly statusCode: number;
  /** The method the arrow belongs to (a response's CSeq method), for colours. */
  readonly method: string;
  readonly statusClass: ReturnType<typeof responseClass>;
  readonly step: PublishStep | null;
}

export interface Ladder {
  readonly lanes: readonly LadderLane[];
  readonly arrows: readonly LadderArrow[];
}

/** Builds the ladder of `records` (in arrival order). */
export function buildLadder(records: readonly TraceRecord[]): Ladder {
  const localAddresses: string[] = [];
  const lanes: { key: string; label: string; transports: Set<string> }[] = [];
  const laneOf = new Map<string, number>();
  const arrows: LadderArrow[] = [];
  const start = records[0]?.entry.at ?? 0;
  // The trace shares one object per endpoint among its entries: each is written out once.
  const written = new Map<TraceEndpoint, string>();
  const write = (endpoint: TraceEndpoint) => {
    let text = written.get(endpoint);
    if (text === undefined) written.set(endpoint, (text = formatEndpoint(endpoint)));
    return text;
  };

  for (const { entry, summary } of records) {
    const local = write(entry.local);
    if (!localAddresses.includes(local)) localAddresses.push(local);
    const key = write(entry.remote);
    let lane = laneOf.get(key);
    if (lane === undefined) {
      lanes.push({ key, label: key, transports: new Set() });
      lane = lanes.length; // lane 0 is this app
      laneOf.set(key, lane);
    }
    lanes[lane - 1]!.transports.add(entry.transport.toUpperCase());

    const isRequest = summary.kind === 'request';
    const step = isRequest && summary.method === 'PUBLISH' ? publishStep(summary) : null;
    const details: string[] = [];
    if (summary.expires !== null) details.push(`Expires ${summary.expires}`);
    if (summary.ifMatch) details.push(`If-Match ${summary.ifMatch}`);
    if (summary.etag) details.push(`ETag ${summary.etag}`);
    if (summary.subscriptionState) details.push(summary.subscriptionState);
    arrows.push({
      seq: entry.seq,
      from: entry.direction === 'out' ? 0 : lane,
      to: entry.direction === 'out' ? lane : 0,
      label: step ? `${summary.label} (${step})` : summary.label || summary.kind,
      detail: details.join(' · '),
      at: entry.at,
      offsetMs: entry.at - start,
      isRequest,
      statusCode: summary.statusCode,
      method: summary.method,
      statusClass: responseClass(summary.statusCode),
      step,
    });
  }

  return {
    lanes: [
      { key: 'app', label: 'This app', detail: localAddresses.join(', ') },
      ...lanes.map((l) => ({ key: l.key, label: l.label, detail: [...l.transports].join(', ') })),
    ],
    arrows,
  };
}

/** The space drawn for the time between two arrows when the ladder is to scale. */
export interface LadderGap {
  /** Top of the space, in pixels from the first arrow's row. */
  readonly top: number;
  readonly height: number;
  /** The time it stands for. */
  readonly ms: number;
}

/** Where each arrow's row starts, and the gaps drawn between rows. */
export interface LadderRowLayout {
  readonly tops: readonly number[];
  readonly gaps: readonly LadderGap[];
  /** The height of all rows and gaps. */
  readonly height: number;
}

/** The most pixels a millisecond gets when to scale (a second is 200 px at most), and the tallest gap. */
const MAX_PX_PER_MS = 0.2;
const MAX_GAP_PX = 480;

/**
 * Rows one after the other, or with `isToScale` each separated by space proportional to the time
 * between its arrow and the one before: one scale for the whole ladder, chosen so that the longest
 * gap is at most MAX_GAP_PX tall.
 */
export function layoutLadderRows(arrows: readonly Pick<LadderArrow, 'at'>[], rowHeight: number, isToScale: boolean): LadderRowLayout {
  let longest = 0;
  for (let i = 1; i < arrows.length; i++) longest = Math.max(longest, arrows[i]!.at - arrows[i - 1]!.at);
  const pxPerMs = isToScale && longest > 0 ? Math.min(MAX_PX_PER_MS, MAX_GAP_PX / longest) : 0;
  const tops: number[] = [];
  const gaps: LadderGap[] = [];
  let top = 0;
  arrows.forEach((arrow, i) => {
    if (i > 0 && pxPerMs > 0) {
      const ms = arrow.at - arrows[i - 1]!.at;
      const height = Math.round(ms * pxPerMs);
      if (height > 0) gaps.push({ top, height, ms });
      top += height;
    }
    tops.push(top);
    top += rowHeight;
  });
  return { tops, gaps, height: top };
}
