/**
 * How a buddy's line state (RFC 4235 dialog package: BLF) looks in the window: its words and its dot, in the row
 * beside presence, in the details and in the trace pane's decoded dialog-info.
 */
import type { LineState } from '../../../shared/dialog-info/dialog-info';
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
