import { useEffect, useId, useRef, useState } from 'react';
import { describeVoicemail } from '../presence/voicemail-view';
import { useVoicemailStore } from '../stores/voicemail-store';

/** The voicemail symbol (two reels joined by the tape), on the 16×16 grid the status glyphs use. */
const VOICEMAIL_GLYPH = 'M4.5 10.5a2.5 2.5 0 1 1 0-5 2.5 2.5 0 0 1 0 5zM11.5 10.5a2.5 2.5 0 1 1 0-5 2.5 2.5 0 0 1 0 5zM4.5 10.5h7';

/**
 * Our own mailbox in the header (the message-summary package, RFC 3842): the voicemail symbol with the number of new
 * voice messages, and a button that opens the details — every message class with its counts, the mailbox — so that
 * the header stays one line. Not drawn at all when the server does not report a mailbox.
 */
export function VoicemailIndicator() {
  const view = describeVoicemail(useVoicemailStore((s) => s.voicemail));
  const [isOpen, setIsOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!isOpen) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setIsOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [isOpen]);

  if (view === null) return null;
  return (
    <div
      className="voicemail"
      ref={rootRef}
      data-testid="voicemail"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && isOpen) {
          event.stopPropagation();
          setIsOpen(false);
          rootRef.current?.querySelector('button')?.focus();
        }
      }}
    >
      <button
        type="button"
        className={`voicemail-button ${view.isWaiting ? 'is-waiting' : ''} ${view.isCurrent ? '' : 'is-not-current'}`}
        aria-expanded={isOpen}
        aria-controls={panelId}
        aria-label={view.description}
        title={view.description}
        onClick={() => setIsOpen((open) => !open)}
      >
        <svg viewBox="0 0 16 16" className="voicemail-glyph" aria-hidden="true" focusable="false">
          <path d={VOICEMAIL_GLYPH} />
        </svg>
        {view.badge && (
          <span className="voicemail-badge" aria-hidden="true" data-testid="voicemail-badge">
            {view.badge}
          </span>
        )}
        <span className="voicemail-text" aria-hidden="true">
          {view.shortText}
        </span>
      </button>
      <div className="voicemail-panel" id={panelId} hidden={!isOpen} role="group" aria-label="Voicemail details">
        <p className="voicemail-heading">{view.isWaiting ? 'Messages are waiting' : 'No messages waiting'}</p>
        {view.classes.length > 0 && (
          <dl className="voicemail-classes" data-testid="voicemail-classes">
            {view.classes.map((c) => (
              <div key={c.messageClass} data-class={c.messageClass}>
                <dt>{c.label}</dt>
                <dd>{c.text}</dd>
              </div>
            ))}
          </dl>
        )}
        {view.mailbox && <p className="muted voicemail-mailbox">{view.mailbox}</p>}
        {view.problem && <p className="voicemail-problem">Not current: {view.problem}</p>}
      </div>
    </div>
  );
}
