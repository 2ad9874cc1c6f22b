/**
 * What a buddy subscription watches: the buddy's presence (RFC 3856, the usual), or — where the server refuses
 * presence subscriptions but offers the dialog package (RFC 4235), as PBXs do for their extensions — the state of
 * the buddy's phone line, turned into presence the buddy list can show:
 *
 *   a dialog confirmed (RFC 4235 §3.7.1) ─────────► on the phone
 *   a dialog not yet answered (trying, early) ────► busy, "Ringing"
 *   only terminated dialogs, or none ─────────────► available
 *
 * Each kind gives the SUBSCRIBE's Event and Accept headers and reads a NOTIFY's body (notify-screen.ts has checked
 * its Event and Content-Type already).
 */
import {
  applyDialogInfo,
  DIALOG_EVENT,
  DIALOG_INFO_CONTENT_TYPE,
  lineStateOf,
  parseDialogInfo,
  type DialogState,
  type LineState,
} from '../../../shared/dialog-info/dialog-info';
import { PRESENCE_ACCEPT_HEADER } from '../../../shared/pidf';
import type { PresenceSummary, SipProblem } from '../../../shared/presence/presence-state';
import { readNotifyBody, type NotifyBodyVerdict } from './notify-body';
import { PRESENCE_EVENT } from './notify-screen';

/**
 * What a watch made of a NOTIFY's body: what notify-body.ts says of presence, or — for a package whose state is not
 * presence (our watcher information) — that the watch took it in (`resync`: a document went missing, so refresh the
 * subscription, whose NOTIFY carries the full state again).
 */
export type WatchVerdict =
  | NotifyBodyVerdict
  | {
      readonly kind: 'taken';
      readonly resync: boolean;
      /** A warning for the subscription: part of the body could not be used (the rest was taken). */
      readonly problem?: SipProblem;
    };

/** The event package a subscription uses, and how its NOTIFY bodies become presence. */
export interface WatchedEvent {
  /** The Event header's package (RFC 6665 §8.2.1). */
  readonly event: string;
  /** The Accept header's value: the body types this package's NOTIFYs may carry. */
  readonly accept: string;
  /** Further headers of every SUBSCRIBE (a list subscription's `Supported: eventlist`, RFC 4662 §4.1). */
  readonly requestHeaders?: readonly string[];
  /** Reads a screened NOTIFY's body (with its Content-Type header value). */
  readBody(body: string, contentType: string | undefined): WatchVerdict;
}

/** The buddy's presence documents (PIDF and its kin), their notes read in `noteLanguages` first (notify-body.ts). */
export function presenceWatch(noteLanguages?: readonly string[]): WatchedEvent {
  return {
    event: PRESENCE_EVENT,
    accept: PRESENCE_ACCEPT_HEADER,
    readBody: (body, contentType) => readNotifyBody(body, contentType, noteLanguages),
  };
}

/** What each line state shows in the buddy list. */
const LINE_STATE_PRESENCE: Readonly<Record<LineState, PresenceSummary>> = {
  'on-the-phone': { status: 'on-the-phone', note: 'On the phone', activities: ['on-the-phone'], devices: [] },
  ringing: { status: 'busy', note: 'Ringing', activities: [], devices: [] },
  idle: { status: 'available', note: null, activities: [], devices: [] },
};

/**
 * The buddy's phone line (RFC 4235). One per subscription: it keeps the dialogs it was told of, since a `partial`
 * document names only those that changed (§4.1). Used in place of presence (the server has none), or next to it
 * for the line state lamp (sip-client.ts), which reads `lineState`.
 */
export class LineStateWatch implements WatchedEvent {
  readonly event = DIALOG_EVENT;
  readonly accept = DIALOG_INFO_CONTENT_TYPE;
  private dialogs: ReadonlyMap<string, DialogState> = new Map();
  private lineStateValue: LineState | undefined;

  /** The line's state after the last document, or undefined before the first one. */
  get lineState(): LineState | undefined {
    return this.lineStateValue;
  }

  readBody(body: string): NotifyBodyVerdict {
    if (body.trim() === '') return { kind: 'empty' };
    const parsed = parseDialogInfo(body);
    if (!parsed.ok)
      return { kind: 'unreadable', problem: { message: `The server sent a line state Presently could not read: ${parsed.message}` } };
    this.dialogs = applyDialogInfo(this.dialogs, parsed.document);
    this.lineStateValue = lineStateOf(this.dialogs.values());
    return { kind: 'presence', presence: LINE_STATE_PRESENCE[this.lineStateValue] };
  }
}
