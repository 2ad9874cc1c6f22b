/**
 * The message-summary event package's body, `application/simple-message-summary` (RFC 3842 §5): whether messages
 * wait in an account's mailbox and how many, per message class (RFC 3458 message-context-class).
 *
 *   Messages-Waiting: yes
 *   Message-Account: sip:alice@vmail.example.com
 *   Voice-Message: 2/8 (0/2)
 *
 *   To: <sip:alice@example.com>
 *   Subject: Lunch
 *
 * RFC 3842 §5.2's grammar: a status line, an optional account line, summary lines `class: new/old` with optional
 * `(new-urgent/old-urgent)`, then, after an empty line, optional headers of the newest messages. Header names are
 * case-insensitive. A body that is not text of this shape is refused with one sentence; summary lines for classes
 * we do not know are kept under their own name; counts are bounded so a hostile body cannot make a huge number.
 */

/** RFC 3842 §3.1: the event package name. */
export const MESSAGE_SUMMARY_EVENT = 'message-summary';
/** RFC 3842 §3.3: the media type. */
export const MESSAGE_SUMMARY_CONTENT_TYPE = 'application/simple-message-summary';

/** RFC 3458 §4.2 message-context-class values RFC 3842 §5.2 names. */
export type MessageContextClass = 'voice-message' | 'fax-message' | 'pager-message' | 'multimedia-message' | 'text-message' | 'none';
export const MESSAGE_CONTEXT_CLASSES: readonly MessageContextClass[] = [
  'voice-message',
  'fax-message',
  'pager-message',
  'multimedia-message',
  'text-message',
  'none',
];

/** The counts for one message class. */
export interface MessageCounts {
  /** The class, lower-case: one of MESSAGE_CONTEXT_CLASSES, or an extension's name. */
  readonly messageClass: string;
  readonly newMessages: number;
  readonly oldMessages: number;
  readonly newUrgentMessages?: number;
  readonly oldUrgentMessages?: number;
}

/** A message-summary body, read or to be written. */
export interface MessageSummary {
  readonly isWaiting: boolean;
  /** The mailbox's URI (Message-Account), when given. */
  readonly account?: string;
  readonly counts: readonly MessageCounts[];
  /** The optional message headers after the summary (RFC 3842 §5.2 opt-msg-headers), in order. */
  readonly messageHeaders: readonly { readonly name: string; readonly value: string }[];
}

/** The result of reading a body. */
export type MessageSummaryParseResult =
  { readonly ok: true; readonly summary: MessageSummary } | { readonly ok: false; readonly message: string };

/** A summary is a few lines; anything far larger is not one. */
const MAX_MESSAGE_SUMMARY_CHARS = 16 * 1024;
const MAX_LINES = 200;
/** Counts are at most nine digits: no mailbox holds a billion messages, and the number stays exact. */
const COUNT = '(\\d{1,9})';
const SUMMARY_VALUE = new RegExp(`^${COUNT}\\s*/\\s*${COUNT}(?:\\s*\\(\\s*${COUNT}\\s*/\\s*${COUNT}\\s*\\))?$`);
/** RFC 3261 §25.1 token, for header names. */
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** Reads a message-summary body. Never throws. */
export function parseMessageSummary(body: string): MessageSummaryParseResult {
  if (body.length > MAX_MESSAGE_SUMMARY_CHARS) return fail(`The message summary is larger than ${MAX_MESSAGE_SUMMARY_CHARS} characters.`);
  const lines = body.split(/\r?\n/);
  if (lines.length > MAX_LINES) return fail(`The message summary has more than ${MAX_LINES} lines.`);
  let index = 0;
  // Leading empty lines are tolerated (some servers start the body with one).
  while (index < lines.length && lines[index]?.trim() === '') index++;
  const status = headerLine(lines[index]);
  if (status === null || status.name !== 'messages-waiting')
    return fail('The message summary does not start with a Messages-Waiting line.');
  const statusValue = status.value.toLowerCase();
  if (statusValue !== 'yes' && statusValue !== 'no') return fail('The message summary\'s Messages-Waiting is neither "yes" nor "no".');
  index++;
  let account: string | undefined;
  const counts: MessageCounts[] = [];
  for (; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (line.trim() === '') break;
    const header = headerLine(line);
    if (header === null) return fail(`Line ${index + 1} of the message summary is not "Name: value".`);
    if (header.name === 'message-account') {
      if (header.value === '' || /\s/.test(header.value)) return fail("The message summary's Message-Account is not a URI.");
      account = header.value;
      continue;
    }
    const match = SUMMARY_VALUE.exec(header.value);
    if (match === null) {
      // Extension headers of the summary section (RFC 3842 §5.2 allows none, but servers add some) carry no counts.
      if (isKnownClass(header.name)) return fail(`The message summary's ${header.name} line has no "new/old" counts.`);
      continue;
    }
    if (counts.some((c) => c.messageClass === header.name)) return fail(`The message summary gives ${header.name} twice.`);
    counts.push({
      messageClass: header.name,
      newMessages: Number(match[1]),
      oldMessages: Number(match[2]),
      ...(match[3] === undefined ? {} : { newUrgentMessages: Number(match[3]), oldUrgentMessages: Number(match[4]) }),
    });
  }
  const messageHeaders: { name: string; value: string }[] = [];
  for (index++; index < lines.length; index++) {
    const line = lines[index] ?? '';
    if (line.trim() === '') continue;
    const last = messageHeaders[messageHeaders.length - 1];
    if ((line.startsWith(' ') || line.startsWith('\t')) && last !== undefined) {
      last.value = `${last.value} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    // The message headers are informative only: a line that is not a header is skipped rather than failing the summary.
    if (colon <= 0 || !TOKEN.test(line.slice(0, colon).trim())) continue;
    messageHeaders.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return {
    ok: true,
    summary: { isWaiting: statusValue === 'yes', ...(account === undefined ? {} : { account }), counts, messageHeaders },
  };
}

/** Writes a message-summary body (RFC 3842 §5.2) with CRLF line ends. */
export function buildMessageSummary(summary: MessageSummary): string {
  const lines = [`Messages-Waiting: ${summary.isWaiting ? 'yes' : 'no'}`];
  // A URI has no white space; removing it keeps a hostile account from adding lines.
  if (summary.account !== undefined) lines.push(`Message-Account: ${summary.account.replace(/\s+/g, '')}`);
  for (const counts of summary.counts) {
    const urgent =
      counts.newUrgentMessages === undefined && counts.oldUrgentMessages === undefined
        ? ''
        : ` (${count(counts.newUrgentMessages ?? 0)}/${count(counts.oldUrgentMessages ?? 0)})`;
    lines.push(`${className(counts.messageClass)}: ${count(counts.newMessages)}/${count(counts.oldMessages)}${urgent}`);
  }
  if (summary.messageHeaders.length > 0) {
    lines.push('');
    for (const header of summary.messageHeaders) if (TOKEN.test(header.name)) lines.push(`${header.name}: ${oneLine(header.value)}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The new messages over all classes (what an indicator's badge counts). */
export function newMessageTotal(summary: Pick<MessageSummary, 'counts'>): number {
  let total = 0;
  for (const counts of summary.counts) total += counts.newMessages;
  return total;
}

function headerLine(line: string | undefined): { name: string; value: string } | null {
  if (line === undefined) return null;
  const colon = line.indexOf(':');
  if (colon <= 0) return null;
  const name = line.slice(0, colon).trim();
  if (!TOKEN.test(name)) return null;
  return { name: name.toLowerCase(), value: line.slice(colon + 1).trim() };
}

function isKnownClass(name: string): boolean {
  return (MESSAGE_CONTEXT_CLASSES as readonly string[]).includes(name);
}

/** `voice-message` → `Voice-Message` (the capitalisation RFC 3842's examples use). */
function className(messageClass: string): string {
  const name = TOKEN.test(messageClass) ? messageClass : 'none';
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

function count(value: number): string {
  return String(Number.isFinite(value) ? Math.min(999_999_999, Math.max(0, Math.floor(value))) : 0);
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}

function fail(message: string): MessageSummaryParseResult {
  return { ok: false, message };
}
