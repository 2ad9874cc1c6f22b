/**
 * How a buddy's line state (RFC 4235 dialog package: BLF) looks in the window: its words and its dot, in the row
 * beside presence, in the details and in the trace pane's decoded dialog-info.
 */
import type { LineState } from '../../../shared/dialog-info/dialog-info';
import type { BuddyLineState } from '../../../shared/presence/presence-state';
import type { StatusGlyph } from '../../../shared/presence/status-glyphs';
import type { StatusTone } from './status-view';

/** The words for a line state. */
export const LINE_STATE_LABELS: Readonly<Record<LineState, string>> = {
  idle: 'Idle',
  ringing: 'Ringing',
  'on-the-phone': 'On the phone',
};

/** The dot of a line state: a free line is available, a ringing one away (it will be answered or not), a call busy. */
export const LINE_STATE_LOOKS: Readonly<Record<LineState, { readonly tone: StatusTone; readonly glyph: StatusGlyph }>> = {
  idle: { tone: 'available', glyph: 'check' },
  ringing: { tone: 'away', glyph: 'clock' },
  'on-the-phone': { tone: 'busy', glyph: 'phone' },
};

/** What a buddy's row and details show of the line, or null when the server offers no line state (nothing shown). */
export interface LineView {
  /** The known state, or null while none has arrived (the details say so; the row shows nothing). */
  readonly state: LineState | null;
  /** "On the phone", or "not known yet". */
  readonly label: string;
  /** For the row's accessible name: "line: on the phone". */
  readonly spoken: string | null;
  readonly changedAt: number | null;
}

/** The line's view for a buddy's `line` (absent: the engine does not watch the dialog package for this buddy). */
export function describeLine(line: BuddyLineState | undefined): LineView | null {
  if (line === undefined || line.offered === 'no') return null;
  if (line.activity === 'unknown') return { state: null, label: 'not known yet', spoken: null, changedAt: line.changedAt };
  const label = LINE_STATE_LABELS[line.activity];
  return { state: line.activity, label, spoken: `line: ${label.toLowerCase()}`, changedAt: line.changedAt };
}
