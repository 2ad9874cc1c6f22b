/**
 * What the trace pane makes of a message body beyond its text: the document read with the same codec the app
 * uses for it, so the detail shows what the buddy list (or the voicemail indicator) would make of that message.
 *
 *   application/pidf+xml, cpim-pidf, xpidf  → the presence summary (shared/pidf)
 *   application/dialog-info+xml             → the dialogs and the line state (shared/dialog-info, RFC 4235)
 *
 * A body of a known format that the codec refuses is `unreadable`, with the codec's sentence: the detail shows
 * it as received beside that reason. Never throws.
 */
import {
  DIALOG_INFO_CONTENT_TYPE,
  lineStateOf,
  parseDialogInfo,
  type DialogInfoDocument,
  type LineState,
} from '../dialog-info/dialog-info';
import { parsePresenceBody, parsePresenceContentType, summarizePresence } from '../pidf';
import type { PresenceSummary } from '../presence/presence-state';

/** The body formats the trace pane decodes. */
export type DecodedFormat = 'presence' | 'dialog-info';

/** A body as the trace pane decodes it. */
export type DecodedBody =
  | { readonly kind: 'none' }
  | { readonly kind: 'unreadable'; readonly format: DecodedFormat; readonly reason: string }
  | { readonly kind: 'presence'; readonly summary: PresenceSummary }
  | { readonly kind: 'dialog-info'; readonly document: DialogInfoDocument; readonly lineState: LineState };

const NONE: DecodedBody = { kind: 'none' };

/** Decodes `body` by its Content-Type (the header's whole value, parameters included). */
export function decodeBody(body: string, contentType: string): DecodedBody {
  if (body.trim() === '') return NONE;
  if (parsePresenceContentType(contentType) !== null) return decodePresence(body, contentType);
  switch (mediaType(contentType)) {
    case DIALOG_INFO_CONTENT_TYPE:
      return decodeDialogInfo(body);
    default:
      return NONE;
  }
}

/** Reads a presence body into the buddy list's summary; `none` when `contentType` is not a presence format. */
export function decodePresence(body: string, contentType: string): DecodedBody {
  if (body.trim() === '' || parsePresenceContentType(contentType) === null) return NONE;
  const parsed = parsePresenceBody(body, contentType);
  return parsed.ok
    ? { kind: 'presence', summary: summarizePresence(parsed.document) }
    : { kind: 'unreadable', format: 'presence', reason: parsed.error.message };
}

function decodeDialogInfo(body: string): DecodedBody {
  const parsed = parseDialogInfo(body);
  if (!parsed.ok) return { kind: 'unreadable', format: 'dialog-info', reason: parsed.message };
  return { kind: 'dialog-info', document: parsed.document, lineState: lineStateOf(parsed.document.dialogs.map((d) => d.state)) };
}

/** `type/subtype` of a Content-Type value, lower-cased, without parameters. */
function mediaType(contentType: string): string {
  return contentType.split(';')[0]!.trim().toLowerCase();
}
