/**
 * The symbol drawn inside a status dot — in the window's picker, list and header (renderer StatusDot) and in the
 * tray icons (scripts/render-icons.mjs) — so that statuses sharing a colour (busy, on the phone, in a meeting)
 * differ in shape too, and no status depends on colour alone.
 */
import { assertNever } from '../assert-never';
import type { PresenceStatus } from './presence-status';

/** A status's symbol; `none` for states the dot's outline already says (offline, unknown). */
export type StatusGlyph = 'check' | 'clock' | 'minus' | 'no-entry' | 'phone' | 'calendar' | 'eye-off' | 'none';

/**
 * Each glyph as SVG path data on a 16×16 grid, drawn as a round-capped stroke; the phone is drawn filled (its
 * outline is a closed shape).
 */
export const STATUS_GLYPH_PATHS: Readonly<Record<Exclude<StatusGlyph, 'none'>, string>> = {
  check: 'M4.2 8.4l2.5 2.5 5-5.3',
  clock: 'M8 4.3V8l2.6 1.6',
  minus: 'M4.5 8h7',
  'no-entry': 'M4.5 8h7',
  phone: 'M5.2 3.8l1.6 2.3-1 1.1c.6 1.3 1.7 2.4 3 3l1.1-1 2.3 1.6-.8 1.6c-3.7-.3-6.7-3.3-7-7z',
  calendar: 'M4.3 5.2h7.4v6.5H4.3zM4.3 7.6h7.4M6.4 3.8v2.4M9.6 3.8v2.4',
  'eye-off': 'M2.8 8s2-3.3 5.2-3.3S13.2 8 13.2 8 11.2 11.3 8 11.3 2.8 8 2.8 8zM3.6 12.6l8.8-9.2',
};

/** The glyph for a status (see StatusGlyph). */
export function glyphOfStatus(status: PresenceStatus): StatusGlyph {
  switch (status) {
    case 'available':
      return 'check';
    case 'away':
      return 'clock';
    case 'busy':
      return 'minus';
    case 'do-not-disturb':
      return 'no-entry';
    case 'on-the-phone':
      return 'phone';
    case 'in-a-meeting':
      return 'calendar';
    case 'appear-offline':
      return 'eye-off';
    case 'offline':
    case 'unknown':
      return 'none';
    default:
      return assertNever(status);
  }
}
