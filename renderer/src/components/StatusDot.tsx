import type { StatusTone } from '../presence/status-view';

/** The coloured, shaped dot for a status (decorative: the label next to it carries the meaning). */
export function StatusDot({ tone, size = 'normal' }: { tone: StatusTone; size?: 'normal' | 'large' }) {
  return <span className={`status-dot tone-${tone} ${size === 'large' ? 'status-dot-large' : ''}`} aria-hidden="true" />;
}
