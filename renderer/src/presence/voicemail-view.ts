/**
 * How the account's voicemail (the message-summary package, RFC 3842) looks in the header: hidden unless the server
 * reports the mailbox; otherwise whether messages wait, the voice messages' counts first (what a phone's lamp
 * means), and every other message class in the details. Pure, so it is tested without a browser.
 */
import type { VoicemailCounts, VoicemailState } from '../../../shared/presence/presence-state';

/** The class the indicator leads with (RFC 3458 §4.2 message-context-class). */
const VOICE = 'voice-message';

/** Words for the RFC 3458 message classes; an extension class is shown by its own name. */
const CLASS_LABELS: Readonly<Record<string, string>> = {
  'voice-message': 'Voice',
  'fax-message': 'Fax',
  'pager-message': 'Pager',
  'multimedia-message': 'Multimedia',
  'text-message': 'Text',
  none: 'Unclassified',
};

/** The badge shows at most this; more reads "99+". */
const MAX_BADGE = 99;

/** One message class as the details list it. */
export interface VoicemailClassView {
  readonly messageClass: string;
  readonly label: string;
  /** "2 new, 8 old (1 urgent new)". */
  readonly text: string;
}

/** What the indicator shows. */
export interface VoicemailView {
  /** Messages-Waiting: yes. */
  readonly isWaiting: boolean;
  /** False while the last summary is all we have and the server stopped reporting (`problem` says why). */
  readonly isCurrent: boolean;
  /** The number on the icon: new voice messages (or new of all classes without a voice line); null for none. */
  readonly badge: string | null;
  /** Beside the icon: "2 new", "Messages waiting", "No new messages". */
  readonly shortText: string;
  /** The button's accessible name and tooltip, every class included. */
  readonly description: string;
  /** Voice first, then the others in the order the server sent them. */
  readonly classes: readonly VoicemailClassView[];
  readonly mailbox: string | null;
  readonly problem: string | null;
}

/** The indicator's view, or null when it is hidden: no session, not subscribed yet, or the server has no message-summary. */
export function describeVoicemail(state: VoicemailState): VoicemailView | null {
  if (state.availability !== 'offered' && state.availability !== 'failed') return null;
  // A failure before any summary arrived says nothing about the mailbox: nothing to show.
  if (state.availability === 'failed' && state.updatedAt === null) return null;
  const voice = state.counts.find((c) => c.messageClass === VOICE);
  const classes = [...(voice ? [voice] : []), ...state.counts.filter((c) => c !== voice)].map(classView);
  const newCount = voice ? voice.newMessages : state.counts.reduce((sum, c) => sum + c.newMessages, 0);
  const shortText =
    newCount > 0
      ? `${newCount} new`
      : state.isWaiting
        ? 'Messages waiting'
        : state.counts.length > 0
          ? 'No new messages'
          : 'No messages waiting';
  // The name starts with the words on the button (WCAG 2.5.3, label in name), then every class.
  const classText = classes.map((c) => `${c.label.toLowerCase()}: ${c.text}`).join('; ');
  const problem = state.availability === 'failed' ? (state.problem?.message ?? 'The server stopped reporting the mailbox.') : null;
  return {
    isWaiting: state.isWaiting,
    isCurrent: problem === null,
    badge: newCount === 0 ? null : newCount > MAX_BADGE ? `${MAX_BADGE}+` : String(newCount),
    shortText,
    description: `Voicemail: ${shortText}${classText ? ` — ${classText}` : ''}${problem ? ` — not current: ${problem}` : ''}`,
    classes,
    mailbox: state.mailbox,
    problem,
  };
}

/** "Voice", "Fax", …; an extension class by its own name. */
export function messageClassLabel(messageClass: string): string {
  return CLASS_LABELS[messageClass] ?? messageClass;
}

function classView(counts: VoicemailCounts): VoicemailClassView {
  const urgent = [
    counts.newUrgentMessages ? `${counts.newUrgentMessages} urgent new` : '',
    counts.oldUrgentMessages ? `${counts.oldUrgentMessages} urgent old` : '',
  ].filter((part) => part !== '');
  return {
    messageClass: counts.messageClass,
    label: messageClassLabel(counts.messageClass),
    text: `${counts.newMessages} new, ${counts.oldMessages} old${urgent.length > 0 ? ` (${urgent.join(', ')})` : ''}`,
  };
}
