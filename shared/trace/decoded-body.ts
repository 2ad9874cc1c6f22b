/**
 * What the trace pane makes of a message body beyond its text: the document read with the same codec the app
 * uses for it, so the detail shows what the buddy list (or the voicemail indicator) would make of that message.
 *
 *   application/pidf+xml, cpim-pidf, xpidf      → the presence summary (shared/pidf)
 *   application/dialog-info+xml                 → the dialogs and the line state (shared/dialog-info, RFC 4235)
 *   application/simple-message-summary          → messages waiting and the counts per class (shared/message-summary, RFC 3842)
 *   application/rlmi+xml                        → the list and its members' subscriptions (shared/resource-lists, RFC 4662 §5)
 *   multipart/related                           → each part, with its Content-ID, decoded in turn (RFC 2387; RFC 4662 §5)
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
import { MESSAGE_SUMMARY_CONTENT_TYPE, parseMessageSummary, type MessageSummary } from '../message-summary';
import { parsePresenceBody, parsePresenceContentType, summarizePresence } from '../pidf';
import type { PresenceSummary } from '../presence/presence-state';
import { MULTIPART_RELATED, parseMultipartRelated, parseRlmi, RLMI_CONTENT_TYPE, type RlmiDocument } from '../resource-lists';
import { mediaType, readParam } from '../sip/header-values';
import { prettyPrintBody, type PrettyBody } from './pretty-body';

/** The body formats the trace pane decodes. */
export type DecodedFormat = 'presence' | 'dialog-info' | 'message-summary' | 'rlmi' | 'multipart';

/** One part of a multipart body, decoded in turn. */
export interface DecodedPart {
  /** Its Content-ID without angle brackets, or null when the part has none (RFC 4662 §5 requires one). */
  readonly contentId: string | null;
  readonly contentType: string;
  /** The root part (RFC 2387 §3.2: the one `start` names, else the first): the RLMI document of a list NOTIFY. */
  readonly isRoot: boolean;
  /** For a member's part of a list NOTIFY: the resource whose instance names this Content-ID in the RLMI. */
  readonly resource: string | null;
  readonly body: string;
  readonly decoded: DecodedBody;
}

/** A body as the trace pane decodes it. */
export type DecodedBody =
  | { readonly kind: 'none' }
  | { readonly kind: 'unreadable'; readonly format: DecodedFormat; readonly reason: string }
  | { readonly kind: 'presence'; readonly summary: PresenceSummary }
  | { readonly kind: 'dialog-info'; readonly document: DialogInfoDocument; readonly lineState: LineState }
  | { readonly kind: 'message-summary'; readonly summary: MessageSummary }
  | { readonly kind: 'rlmi'; readonly document: RlmiDocument }
  | {
      readonly kind: 'multipart';
      /** The boundary the parts are laid out with again. */
      readonly boundary: string;
      readonly parts: readonly DecodedPart[];
      /** Parts the reader left out, one sentence each. */
      readonly problems: readonly string[];
    };

const NONE: DecodedBody = { kind: 'none' };

/** A list of lists (RFC 4662 §5.1) nests a multipart in a part; deeper than this is not decoded further. */
const MAX_MULTIPART_DEPTH = 3;

/** Decodes `body` by its Content-Type (the header's whole value, parameters included). */
export function decodeBody(body: string, contentType: string): DecodedBody {
  return decodeAt(body, contentType, 0);
}

function decodeAt(body: string, contentType: string, depth: number): DecodedBody {
  if (body.trim() === '') return NONE;
  if (parsePresenceContentType(contentType) !== null) return decodePresence(body, contentType);
  switch (mediaType(contentType)) {
    case DIALOG_INFO_CONTENT_TYPE:
      return decodeDialogInfo(body);
    case MESSAGE_SUMMARY_CONTENT_TYPE: {
      const parsed = parseMessageSummary(body);
      return parsed.ok ? { kind: 'message-summary', summary: parsed.summary } : unreadable('message-summary', parsed.message);
    }
    case RLMI_CONTENT_TYPE: {
      const parsed = parseRlmi(body);
      return parsed.ok ? { kind: 'rlmi', document: parsed.document } : unreadable('rlmi', parsed.message);
    }
    case MULTIPART_RELATED:
      return depth < MAX_MULTIPART_DEPTH ? decodeMultipart(body, contentType, depth) : NONE;
    default:
      return NONE;
  }
}

/** Reads a presence body into the buddy list's summary; `none` when `contentType` is not a presence format. */
function decodePresence(body: string, contentType: string): DecodedBody {
  if (body.trim() === '' || parsePresenceContentType(contentType) === null) return NONE;
  const parsed = parsePresenceBody(body, contentType);
  return parsed.ok ? { kind: 'presence', summary: summarizePresence(parsed.document) } : unreadable('presence', parsed.error.message);
}

/**
 * The body as the detail lays it out: pretty-printed by its type; a multipart part by part, each part's headers
 * then its own body laid out in turn; and exactly as received where its codec refused it (`decoded` unreadable).
 */
export function layOutBody(body: string, contentType: string, decoded: DecodedBody): PrettyBody {
  if (decoded.kind === 'unreadable') return { text: body, language: prettyPrintBody(body, contentType).language, isReformatted: false };
  if (decoded.kind !== 'multipart') return prettyPrintBody(body, contentType);
  const delimiter = `--${decoded.boundary}`;
  const lines: string[] = [];
  for (const part of decoded.parts) {
    lines.push(delimiter);
    if (part.contentId !== null) lines.push(`Content-ID: <${part.contentId}>`);
    lines.push(`Content-Type: ${part.contentType}`, '', layOutBody(part.body, part.contentType, part.decoded).text);
  }
  lines.push(`${delimiter}--`);
  const text = lines.join('\n');
  return { text, language: 'text', isReformatted: text !== body };
}

function decodeDialogInfo(body: string): DecodedBody {
  const parsed = parseDialogInfo(body);
  if (!parsed.ok) return unreadable('dialog-info', parsed.message);
  return { kind: 'dialog-info', document: parsed.document, lineState: lineStateOf(parsed.document.dialogs.map((d) => d.state)) };
}

function decodeMultipart(body: string, contentType: string, depth: number): DecodedBody {
  const parsed = parseMultipartRelated(body, contentType);
  const boundary = readParam(contentType.slice(contentType.indexOf(';') + 1), 'boundary');
  if (!parsed.ok || boundary === undefined)
    return unreadable('multipart', parsed.ok ? 'The multipart body has no boundary.' : parsed.message);
  const { parts, root, problems } = parsed.multipart;
  const decodedParts = parts.map((part) => ({ part, decoded: decodeAt(part.body, part.contentType, depth + 1) }));
  // RFC 4662 §5.2: the RLMI's instances name the parts carrying each member's state by Content-ID.
  const rlmi = decodedParts.find(({ part }) => part === root)?.decoded;
  const resourceOfCid = new Map<string, string>();
  if (rlmi?.kind === 'rlmi') {
    for (const resource of rlmi.document.resources)
      for (const instance of resource.instances) if (instance.cid !== undefined) resourceOfCid.set(instance.cid, resource.uri);
  }
  return {
    kind: 'multipart',
    boundary,
    problems,
    parts: decodedParts.map(({ part, decoded }) => ({
      contentId: part.contentId ?? null,
      contentType: part.contentType,
      isRoot: part === root,
      resource: part.contentId === undefined ? null : (resourceOfCid.get(part.contentId) ?? null),
      body: part.body,
      decoded,
    })),
  };
}

function unreadable(format: DecodedFormat, reason: string): DecodedBody {
  return { kind: 'unreadable', format, reason };
}
