/**
 * Our own mailbox: the message-summary package (RFC 3842) of our AOR, carried on the same subscription machinery as a
 * buddy's presence (buddy-subscription.ts: refresh, back-off, reconnection), with this watch reading its
 * `application/simple-message-summary` bodies through shared/message-summary.
 *
 * RFC 3842 §3.5: every NOTIFY carries the whole summary (there is no partial state), so each readable body replaces
 * the last. One that cannot be read is a warning on the subscription (answered 200, as notify-body.ts explains);
 * the last good summary stays.
 */
import {
  MESSAGE_SUMMARY_CONTENT_TYPE,
  MESSAGE_SUMMARY_EVENT,
  parseMessageSummary,
  type MessageSummary,
} from '../../../shared/message-summary';
import type { WatchedEvent, WatchVerdict } from './watched-event';

/** The mailbox's summary reader; `onSummary` hears every summary read. */
export class MessageSummaryWatch implements WatchedEvent {
  readonly event = MESSAGE_SUMMARY_EVENT;
  readonly accept = MESSAGE_SUMMARY_CONTENT_TYPE;
  private summaryValue: MessageSummary | undefined;

  constructor(private readonly onSummary: (summary: MessageSummary) => void) {}

  /** The summary as last reported, or undefined before the first one. */
  get summary(): MessageSummary | undefined {
    return this.summaryValue;
  }

  readBody(body: string): WatchVerdict {
    // RFC 3842 §3.5: a NOTIFY without a body (while pending, or a server with no mailbox state yet) says nothing new.
    if (body.trim() === '') return { kind: 'empty' };
    const parsed = parseMessageSummary(body);
    if (!parsed.ok)
      return {
        kind: 'unreadable',
        problem: { message: `The server sent a voicemail summary Presently could not read: ${parsed.message}` },
      };
    this.summaryValue = parsed.summary;
    this.onSummary(parsed.summary);
    return { kind: 'taken', resync: false };
  }
}
