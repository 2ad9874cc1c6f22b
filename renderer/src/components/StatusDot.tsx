import type { StatusGlyph, StatusTone } from '../presence/status-view';

/** Each glyph as SVG path data on a 16×16 grid, drawn as a stroke (inline, so no icon font is fetched). */
const GLYPH_PATHS: Readonly<Record<Exclude<StatusGlyph, 'none'>, string>> = {
  check: 'M4.2 8.4l2.5 2.5 5-5.3',
  clock: 'M8 4.3V8l2.6 1.6',
  minus: 'M4.5 8h7',
  'no-entry': 'M4.5 8h7',
  phone: 'M5.2 3.8l1.6 2.3-1 1.1c.6 1.3 1.7 2.4 3 3l1.1-1 2.3 1.6-.8 1.6c-3.7-.3-6.7-3.3-7-7z',
  calendar: 'M4.3 5.2h7.4v6.5H4.3zM4.3 7.6h7.4M6.4 3.8v2.4M9.6 3.8v2.4',
  'eye-off': 'M2.8 8s2-3.3 5.2-3.3S13.2 8 13.2 8 11.2 11.3 8 11.3 2.8 8 2.8 8zM3.6 12.6l8.8-9.2',
};

/**
 * The coloured, shaped dot for a status, with a glyph inside (check, clock, phone…) so that no status depends on
 * colour alone. Decorative: the label next to it carries the meaning.
 */
export function StatusDot({ tone, glyph = 'none', size = 'normal' }: { tone: StatusTone; glyph?: StatusGlyph; size?: 'normal' | 'large' }) {
  return (
    <span className={`status-dot tone-${tone} ${size === 'large' ? 'status-dot-large' : ''}`} data-glyph={glyph} aria-hidden="true">
      {glyph !== 'none' && (
        <svg viewBox="0 0 16 16" className="status-glyph" focusable="false">
          <path d={GLYPH_PATHS[glyph]} />
        </svg>
      )}
    </span>
  );
}
