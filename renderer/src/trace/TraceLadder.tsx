import { useMemo, useState, type KeyboardEvent } from 'react';
import { formatDuration } from '../../../shared/trace/trace-format';
import { buildLadder, layoutLadderRows } from '../../../shared/trace/trace-ladder';
import type { TraceGroup } from '../../../shared/trace/trace-groups';
import type { TraceRecord } from '../../../shared/trace/trace-summary';
import { useNow } from '../components/use-now';
import { countdownText, toneClass } from './trace-columns';
import { useTraceEntries, useTraceViewStore } from './trace-view-store';

const LANE_WIDTH = 230;
const TIME_WIDTH = 86;
const HEAD_HEIGHT = 44;
const ROW_HEIGHT = 40;
/** A gap drawn to scale gets its time written in it once it is this tall. */
const GAP_LABEL_MIN_PX = 14;

const KIND_NAMES: Record<TraceGroup['kind'], string> = {
  publication: 'Publication',
  subscription: 'Subscription',
  registration: 'Registration',
  dialog: 'Dialog / transaction',
};

/** A group's state in words, with its live expiry countdown. */
export function GroupState({ group }: { group: TraceGroup }) {
  const now = useNow(1000);
  return (
    <span className={`trace-group-state state-${group.state}`} data-testid="trace-group-state">
      {group.state === 'none' ? '' : group.state}
      {group.detail ? ` · ${group.detail}` : ''}
      {group.expiresAt !== null && group.state !== 'ended' && group.state !== 'failed' && (
        <span className="trace-countdown" data-testid="trace-countdown">
          {' '}
          · {countdownText(group.expiresAt, now)}
        </span>
      )}
    </span>
  );
}

/**
 * The ladder of one group: a lane for this app and one per remote address, one arrow per message from
 * sender to receiver with its method or status, the headers that matter (Expires, ETags,
 * Subscription-State) and the time since the first message. An arrow opens its message (click, or
 * Enter / Space when focused). "Gaps to scale" spaces the arrows by the time between them, each gap
 * labelled with its length.
 */
export function TraceLadder({ group }: { group: TraceGroup }) {
  const buffer = useTraceEntries((s) => s.buffer);
  const version = useTraceEntries((s) => s.version);
  const selectedSeq = useTraceViewStore((s) => s.selectedSeq);
  const { messageOpened } = useTraceViewStore((s) => s.actions);
  const [isToScale, setToScale] = useState(false);

  const ladder = useMemo(() => {
    const records = group.seqs.map((seq) => buffer.bySeq(seq)).filter((r): r is TraceRecord => r !== undefined);
    return { ladder: buildLadder(records), records, version };
  }, [group, buffer, version]);
  const { lanes, arrows } = ladder.ladder;
  const rows = useMemo(() => layoutLadderRows(arrows, ROW_HEIGHT, isToScale), [arrows, isToScale]);

  const width = TIME_WIDTH + lanes.length * LANE_WIDTH;
  const height = HEAD_HEIGHT + rows.height + 12;
  const laneX = (lane: number) => TIME_WIDTH + lane * LANE_WIDTH + LANE_WIDTH / 2;

  const onArrowKey = (event: KeyboardEvent<SVGGElement>, seq: number) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      messageOpened(seq);
    }
  };

  return (
    <section className="trace-ladder" aria-label={`Ladder: ${group.title}`} data-testid="trace-ladder">
      <header className="trace-ladder-head">
        <h3>
          <span className="badge">{KIND_NAMES[group.kind]}</span> {group.title}
        </h3>
        <p className="muted">
          <GroupState group={group} />
          {' · '}
          {group.seqs.length} messages · Call-ID {group.callIds.join(', ')}
          {group.etags.length > 0 && <> · ETags {group.etags.join(' → ')}</>}
        </p>
        <label className="checkbox inline">
          <input type="checkbox" checked={isToScale} onChange={(e) => setToScale(e.target.checked)} data-testid="ladder-to-scale" /> Gaps to
          scale
        </label>
      </header>
      <div className="trace-ladder-scroll">
        <svg
          className="trace-ladder-svg"
          width={width}
          height={height}
          viewBox={`0 0 ${width} ${height}`}
          role="list"
          aria-label="Messages in order"
        >
          {lanes.map((lane, i) => (
            <g key={lane.key} className="ladder-lane">
              <text x={laneX(i)} y={16} textAnchor="middle" className="ladder-lane-label">
                {lane.label}
              </text>
              <text x={laneX(i)} y={32} textAnchor="middle" className="ladder-lane-detail">
                {lane.detail}
              </text>
              <line x1={laneX(i)} x2={laneX(i)} y1={HEAD_HEIGHT - 4} y2={height} className="ladder-lane-line" />
            </g>
          ))}
          {rows.gaps.map((gap) => (
            <g key={gap.top} className="ladder-gap" data-testid="ladder-gap">
              <rect x={0} y={HEAD_HEIGHT + gap.top} width={width} height={gap.height} className="ladder-gap-band" />
              {gap.height >= GAP_LABEL_MIN_PX && (
                <text x={8} y={HEAD_HEIGHT + gap.top + gap.height / 2 + 4} className="ladder-gap-label">
                  {formatDuration(gap.ms)}
                </text>
              )}
            </g>
          ))}
          {arrows.map((arrow, i) => {
            const y = HEAD_HEIGHT + rows.tops[i]! + 24;
            const x1 = laneX(arrow.from);
            const x2 = laneX(arrow.to);
            const direction = x2 > x1 ? 1 : -1;
            const tip = x2 - direction * 2;
            const label = `${arrow.label}${arrow.detail ? `, ${arrow.detail}` : ''}, +${(arrow.offsetMs / 1000).toFixed(3)} s`;
            return (
              <g
                key={arrow.seq}
                role="listitem"
                tabIndex={0}
                aria-label={label}
                className={`ladder-arrow ${toneClass({ kind: arrow.isRequest ? 'request' : 'response', method: arrow.method, statusCode: arrow.statusCode })} ${arrow.seq === selectedSeq ? 'is-selected' : ''}`}
                onClick={() => messageOpened(arrow.seq)}
                onKeyDown={(event) => onArrowKey(event, arrow.seq)}
                data-testid="ladder-arrow"
                data-seq={arrow.seq}
                data-label={arrow.label}
              >
                <rect x={0} y={y - 24} width={width} height={ROW_HEIGHT} className="ladder-hit" />
                <text x={8} y={y + 4} className="ladder-time">
                  +{(arrow.offsetMs / 1000).toFixed(3)}s
                </text>
                <line x1={x1} x2={tip} y1={y} y2={y} className="ladder-line" />
                <polygon points={`${tip},${y} ${tip - direction * 9},${y - 5} ${tip - direction * 9},${y + 5}`} className="ladder-head" />
                <text x={(x1 + x2) / 2} y={y - 6} textAnchor="middle" className="ladder-label">
                  {arrow.label}
                </text>
                {arrow.detail && (
                  <text x={(x1 + x2) / 2} y={y + 13} textAnchor="middle" className="ladder-detail">
                    {arrow.detail}
                  </text>
                )}
              </g>
            );
          })}
        </svg>
      </div>
    </section>
  );
}

/** The groups (publications, subscriptions, registrations, other dialogs) with their state; one opens its ladder. */
export function TraceGroupList({ groups, onOpen }: { groups: readonly TraceGroup[]; onOpen(group: TraceGroup): void }) {
  if (groups.length === 0) return <p className="trace-empty">No dialogs, publications or subscriptions in the trace yet.</p>;
  const order: TraceGroup['kind'][] = ['publication', 'subscription', 'registration', 'dialog'];
  const sorted = [...groups].sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || b.lastAt - a.lastAt);
  return (
    <ul className="trace-groups" aria-label="Dialogs, publications and subscriptions" data-testid="trace-groups">
      {sorted.map((group) => (
        <li key={group.id}>
          <button type="button" className="trace-group" onClick={() => onOpen(group)} data-testid="trace-group" data-kind={group.kind}>
            <span className="badge">{KIND_NAMES[group.kind]}</span>
            <span className="trace-group-title">{group.title}</span>
            <span className="muted">{group.seqs.length} messages</span>
            <GroupState group={group} />
          </button>
        </li>
      ))}
    </ul>
  );
}
