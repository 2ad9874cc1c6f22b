/**
 * The dialog event package's document, `application/dialog-info+xml` (RFC 4235 §4), read far enough to tell a
 * buddy's line state (on the phone, ringing, or idle) and written by `buildDialogInfo` for a phone that publishes
 * its line and a server that notifies it. Servers that take no presence (Asterisk's extension hints)
 * offer this package instead, and a watcher subscribes with `Event: dialog` (RFC 4235 §3).
 *
 *   <dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="3" state="full" entity="sip:bob@example.com">
 *     <dialog id="d1" direction="recipient"><state>early</state></dialog>
 *   </dialog-info>
 *
 * The XML is read by shared/pidf/xml.ts with the same safety: no DTD or entity declaration is accepted (they are
 * refused before the parser sees the body), and the parser expands no entities.
 *
 * A `full` document lists every dialog; a `partial` one only those that changed (RFC 4235 §4.1), so the watcher
 * keeps the dialogs it knows and applies each document with `applyDialogInfo`.
 */
import { MARKUP_DECLARATION } from '../pidf/parse';
import {
  attribute,
  childElements,
  element,
  firstChild,
  parseXml,
  printable,
  serializeXml,
  stripNonXmlChars,
  textContent,
} from '../pidf/xml';

/** RFC 4235 §4: the media type of a dialog-info document. */
export const DIALOG_INFO_CONTENT_TYPE = 'application/dialog-info+xml';
/** RFC 4235 §4: the namespace of `<dialog-info>`. */
export const NS_DIALOG_INFO = 'urn:ietf:params:xml:ns:dialog-info';
/** RFC 4235 §3.1: the event package name. */
export const DIALOG_EVENT = 'dialog';

/** RFC 4235 §3.7.1: the states of one dialog (`trying` and `proceeding` before a provisional answer with a tag). */
export type DialogState = 'trying' | 'proceeding' | 'early' | 'confirmed' | 'terminated';

const DIALOG_STATES: readonly DialogState[] = ['trying', 'proceeding', 'early', 'confirmed', 'terminated'];

/** RFC 4235 §4.1.2: whether the entity sent the INVITE (`initiator`) or received it (`recipient`). */
export type DialogDirection = 'initiator' | 'recipient';

/** One `<dialog>` element: its id and its state, and the dialog identifiers when the document gives them. */
export interface DialogEntry {
  readonly id: string;
  readonly state: DialogState;
  readonly direction?: DialogDirection;
  readonly callId?: string;
  readonly localTag?: string;
  readonly remoteTag?: string;
}

/** A dialog-info document, read. */
export interface DialogInfoDocument {
  /** RFC 4235 §4.1.2: increases by one with every notification of the subscription. */
  readonly version: number;
  /** `full`: every dialog of the entity; `partial`: only the ones that changed. */
  readonly state: 'full' | 'partial';
  readonly entity: string;
  readonly dialogs: readonly DialogEntry[];
}

/** The result of reading a body: the document, or one sentence saying why it could not be read. */
export type DialogInfoParseResult =
  { readonly ok: true; readonly document: DialogInfoDocument } | { readonly ok: false; readonly message: string };

/** What a line is doing, as a buddy list shows it. */
export type LineState = 'on-the-phone' | 'ringing' | 'idle';

/** Bodies larger than this are refused: a dialog-info document for one line is a few hundred bytes. */
const MAX_DIALOG_INFO_CHARS = 64 * 1024;
/** A phone has a handful of dialogs at once; far more is not a line's state. */
const MAX_DIALOGS = 100;

/** Reads a dialog-info body. Never throws. */
export function parseDialogInfo(body: string): DialogInfoParseResult {
  if (body.length > MAX_DIALOG_INFO_CHARS) return fail(`The dialog document is larger than ${MAX_DIALOG_INFO_CHARS} characters.`);
  if (MARKUP_DECLARATION.test(body)) return fail('The dialog document contains a DTD or entity declaration, which is not accepted.');
  const xml = parseXml(body);
  if (!xml.ok) return fail(xml.message);
  const root = xml.root;
  if (root.name !== 'dialog-info' || root.ns !== NS_DIALOG_INFO) {
    return fail(`Root element <${printable(root.name, 30)}> is not <dialog-info> in ${NS_DIALOG_INFO}.`);
  }
  const version = Number(attribute(root, 'version'));
  const state = attribute(root, 'state');
  const entity = attribute(root, 'entity');
  // RFC 4235 §4.1: version, state and entity are mandatory.
  if (!Number.isInteger(version) || version < 0) return fail('The dialog document has no valid version.');
  if (state !== 'full' && state !== 'partial') return fail('The dialog document\'s state is neither "full" nor "partial".');
  if (entity === undefined) return fail('The dialog document names no entity.');
  const dialogs: DialogEntry[] = [];
  for (const dialog of childElements(root, NS_DIALOG_INFO, 'dialog')) {
    const id = attribute(dialog, 'id');
    const stateElement = firstChild(dialog, NS_DIALOG_INFO, 'state');
    const dialogState = stateElement === undefined ? undefined : textContent(stateElement).trim();
    // RFC 4235 §4.1.6: every dialog has an id and a state.
    if (id === undefined || !isDialogState(dialogState)) return fail('A dialog in the document has no id or no known state.');
    if (dialogs.length >= MAX_DIALOGS) return fail(`The dialog document has more than ${MAX_DIALOGS} dialogs.`);
    const direction = attribute(dialog, 'direction');
    const callId = attribute(dialog, 'call-id');
    const localTag = attribute(dialog, 'local-tag');
    const remoteTag = attribute(dialog, 'remote-tag');
    dialogs.push({
      id,
      state: dialogState,
      ...(direction === 'initiator' || direction === 'recipient' ? { direction } : {}),
      ...(callId === undefined ? {} : { callId }),
      ...(localTag === undefined ? {} : { localTag }),
      ...(remoteTag === undefined ? {} : { remoteTag }),
    });
  }
  return { ok: true, document: { version, state, entity, dialogs } };
}

/** Writes a dialog-info document (RFC 4235 §4.1), dialogs in the given order. */
export function buildDialogInfo(document: DialogInfoDocument): string {
  const root = element(
    NS_DIALOG_INFO,
    'dialog-info',
    { version: String(Math.max(0, Math.floor(document.version))), state: document.state, entity: clean(document.entity) },
    document.dialogs.map((dialog) =>
      element(
        NS_DIALOG_INFO,
        'dialog',
        {
          id: clean(dialog.id),
          'call-id': dialog.callId === undefined ? undefined : clean(dialog.callId),
          'local-tag': dialog.localTag === undefined ? undefined : clean(dialog.localTag),
          'remote-tag': dialog.remoteTag === undefined ? undefined : clean(dialog.remoteTag),
          direction: dialog.direction,
        },
        [element(NS_DIALOG_INFO, 'state', {}, [dialog.state])],
      ),
    ),
  );
  return serializeXml(root, { defaultNamespace: NS_DIALOG_INFO, preferredPrefixes: new Map(), indent: '  ' });
}

/** The document a phone publishes for its line as a whole (RFC 4235 §4.1: one dialog when busy or ringing, none when idle). */
export function lineStateDocument(entity: string, lineState: LineState, version: number): DialogInfoDocument {
  const dialogs: DialogEntry[] =
    lineState === 'idle' ? [] : [{ id: 'line', state: lineState === 'ringing' ? 'early' : 'confirmed', direction: 'recipient' }];
  return { version, state: 'full', entity, dialogs };
}

/**
 * The dialogs known after `document` (RFC 4235 §4.1): a full document replaces them, a partial one updates the
 * dialogs it names. Terminated dialogs are dropped, as they no longer occupy the line.
 */
export function applyDialogInfo(known: ReadonlyMap<string, DialogState>, document: DialogInfoDocument): Map<string, DialogState> {
  const next = document.state === 'full' ? new Map<string, DialogState>() : new Map(known);
  for (const dialog of document.dialogs) {
    if (dialog.state === 'terminated') next.delete(dialog.id);
    else next.set(dialog.id, dialog.state);
  }
  return next;
}

/** The line's state from its dialogs: any confirmed one is a call; else any not yet answered rings; else idle. */
export function lineStateOf(dialogs: Iterable<DialogState>): LineState {
  let isRinging = false;
  for (const state of dialogs) {
    if (state === 'confirmed') return 'on-the-phone';
    if (state !== 'terminated') isRinging = true;
  }
  return isRinging ? 'ringing' : 'idle';
}

function isDialogState(value: string | undefined): value is DialogState {
  return (DIALOG_STATES as readonly (string | undefined)[]).includes(value);
}

function clean(text: string): string {
  return stripNonXmlChars(text);
}

function fail(message: string): DialogInfoParseResult {
  return { ok: false, message };
}
