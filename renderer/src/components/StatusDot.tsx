import { STATUS_GLYPH_PATHS, type StatusGlyph } from '../../../shared/presence/status-glyphs';
import type { StatusTone } from '../presence/status-view';

/**
 * The coloured, shaped dot for a status, with a glyph inside (check, clock, phone…) so that no status depends on
 * colour alone. Decorative: the label next to it carries the meaning.
 */
export function StatusDot({ tone, glyph = 'none', size = 'normal' }: { tone: StatusTone; glyph?: StatusGlyph; size?: 'normal' | 'large' }) {
  return (
    <span className={`status-dot tone-${tone} ${size === 'large' ? 'status-dot-large' : ''}`} data-glyph={glyph} aria-hidden="true">
      {glyph !== 'none' && (
        <svg viewBox="0 0 16 16" className="status-glyph" focusable="false">
          <path d={STATUS_GLYPH_PATHS[glyph]} />
        </svg>
      )}
    </span>
  );
}
