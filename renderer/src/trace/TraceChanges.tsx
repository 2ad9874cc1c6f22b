import { useMemo } from 'react';
import { bodyChanges, lineDiff, previousInChain, type DiffLine, type PresenceChange } from '../../../shared/trace/trace-diff';
import { splitSipMessage } from '../../../shared/sip/header-section';
import { decodeBody } from '../../../shared/trace/decoded-body';
import { prettyPrintBody } from '../../../shared/trace/pretty-body';
import type { TraceRecord } from '../../../shared/trace/trace-summary';
import { useTraceEntries, useTraceViewStore } from './trace-view-store';
import { useTraceGroups } from './trace-views';

/** A body as the detail shows it (pretty-printed XML), for a diff that lines up element by element. */
function shownBody(record: TraceRecord): string {
  const { body } = splitSipMessage(record.entry.raw);
  return prettyPrintBody(body, record.summary.contentType).text;
}

/** Unchanged lines kept around each change; longer runs of unchanged lines fold into one marker. */
const CONTEXT_LINES = 2;

type ShownDiffLine = DiffLine | { readonly kind: 'skipped'; readonly count: number };

/** The diff with long unchanged runs folded, so the changes of a long body are found at a glance. */
function withContext(lines: readonly DiffLine[]): ShownDiffLine[] {
  const isNearChange = lines.map(() => false);
  lines.forEach((line, i) => {
    if (line.kind === 'same') return;
    for (let j = Math.max(0, i - CONTEXT_LINES); j <= Math.min(lines.length - 1, i + CONTEXT_LINES); j++) isNearChange[j] = true;
  });
  const out: ShownDiffLine[] = [];
  let skipped = 0;
  lines.forEach((line, i) => {
    if (isNearChange[i]) {
      if (skipped > 0) out.push({ kind: 'skipped', count: skipped });
      skipped = 0;
      out.push(line);
    } else skipped++;
  });
  if (skipped > 0) out.push({ kind: 'skipped', count: skipped });
  return out;
}

function diffLineText(line: ShownDiffLine): string {
  if (line.kind === 'skipped') return `  … ${line.count} unchanged line${line.count === 1 ? '' : 's'}`;
  return `${line.kind === 'added' ? '+ ' : line.kind === 'removed' ? '− ' : '  '}${line.text}`;
}

/** The readable change list: what the buddy list would show differently. */
function ChangeList({ changes }: { changes: readonly PresenceChange[] }) {
  if (changes.length === 0) return <p className="muted">The buddy list shows the same as before.</p>;
  return (
    <dl className="trace-decoded-list trace-change-list" data-testid="trace-change-list">
      {changes.map((change, i) => (
        <div key={i} className="trace-change">
          <dt>{change.member === undefined ? change.field : `${change.member}: ${change.field}`}</dt>
          <dd>{change.text}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * For a NOTIFY or PUBLISH with a body: the changes since the previous one in its subscription's dialog
 * or its publication's entity-tag chain — in words, from the PIDF summaries of both, and as a line diff
 * of the two bodies (pretty-printed, unchanged runs folded). Nothing for other messages, or when the trace holds no earlier one.
 */
export function TraceChanges({ record }: { record: TraceRecord }) {
  const buffer = useTraceEntries((s) => s.buffer);
  const groups = useTraceGroups();
  const { messageOpened } = useTraceViewStore((s) => s.actions);
  const group = groups.index.groupOfSeq(record.entry.seq);
  const previous = group && record.summary.bodySize > 0 ? previousInChain(group, record, (seq) => buffer.bySeq(seq)) : undefined;

  const compared = useMemo(() => {
    if (!previous) return null;
    const before = decodeBody(splitSipMessage(previous.entry.raw).body, previous.summary.contentType);
    const after = decodeBody(splitSipMessage(record.entry.raw).body, record.summary.contentType);
    const changes = bodyChanges(before, after);
    const diff = lineDiff(shownBody(previous), shownBody(record));
    return { changes, lines: withContext(diff.lines), isApproximate: diff.isApproximate };
  }, [previous, record]);
  if (!previous || !compared) return null;

  const where = record.summary.method === 'NOTIFY' ? 'in this subscription' : 'in this publication';
  return (
    <section className="trace-changes" aria-label="Changes since the previous one" data-testid="trace-changes">
      <h4>
        Changes since{' '}
        <button type="button" className="link-button" onClick={() => messageOpened(previous.entry.seq)}>
          #{previous.entry.seq}
        </button>
        , the previous {record.summary.method} {where}
      </h4>
      <div className="trace-changes-body">
        {compared.changes ? (
          <ChangeList changes={compared.changes} />
        ) : (
          <p className="muted">The two bodies are not both presence documents, nor both resource lists.</p>
        )}
        <pre className="trace-raw trace-line-diff" aria-label="Body, line by line" data-testid="trace-line-diff" tabIndex={0}>
          {compared.lines.map((line, i) => (
            <span key={i} className={`diff-${line.kind}`}>
              {diffLineText(line)}
              {'\n'}
            </span>
          ))}
        </pre>
        {compared.isApproximate && <p className="muted">The bodies differ too much to align line by line: shown as removed, then added.</p>}
      </div>
    </section>
  );
}
