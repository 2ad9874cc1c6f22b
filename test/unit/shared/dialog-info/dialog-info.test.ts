/**
 * The dialog-info reader (shared/dialog-info/): documents shaped like RFC 4235 §5's examples and like Asterisk's
 * extension-state NOTIFYs (one dialog per extension, `terminated` while idle), full and partial updates, and the
 * hostile inputs the PIDF codec refuses too (DTDs, entities).
 */
import { describe, expect, it } from 'vitest';
import {
  applyDialogInfo,
  buildDialogInfo,
  lineStateDocument,
  lineStateOf,
  parseDialogInfo,
  type DialogInfoDocument,
  type DialogState,
} from '../../../../shared/dialog-info/dialog-info';

const doc = (state: 'full' | 'partial', version: number, dialogs: string) =>
  `<?xml version="1.0"?>\r\n<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${version}" state="${state}" entity="sip:bob@example.com">${dialogs}</dialog-info>`;

function read(body: string) {
  const result = parseDialogInfo(body);
  if (!result.ok) throw new Error(result.message);
  return result.document;
}

describe('parseDialogInfo', () => {
  it('reads version, state, entity and each dialog with its state (RFC 4235 §5 style, with participant details)', () => {
    const document = read(
      doc(
        'full',
        7,
        `<dialog id="as7d900as8" call-id="a84b4c76e66710" local-tag="1928301774" direction="initiator">
           <state event="replaced">confirmed</state><duration>274</duration>
           <local><identity display="Bob">sip:bob@example.com</identity></local>
         </dialog>
         <dialog id="2"><state>early</state></dialog>`,
      ),
    );
    expect(document).toEqual({
      version: 7,
      state: 'full',
      entity: 'sip:bob@example.com',
      dialogs: [
        { id: 'as7d900as8', state: 'confirmed', direction: 'initiator', callId: 'a84b4c76e66710', localTag: '1928301774' },
        { id: '2', state: 'early' },
      ],
    });
  });

  it('reads a prefixed namespace like the default one', () => {
    const body = `<d:dialog-info xmlns:d="urn:ietf:params:xml:ns:dialog-info" version="0" state="partial" entity="sip:1001@pbx"><d:dialog id="1001"><d:state>terminated</d:state></d:dialog></d:dialog-info>`;
    expect(read(body).dialogs).toEqual([{ id: '1001', state: 'terminated' }]);
  });

  it.each([
    ['another root element', '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:b@x"/>', /not <dialog-info>/],
    ['no version', doc('full', 1, '').replace('version="1"', ''), /version/],
    ['an unknown document state', doc('full', 1, '').replace('state="full"', 'state="some"'), /full.*partial/],
    ['a dialog without a state', doc('full', 1, '<dialog id="x"/>'), /no id or no known state/],
    ['an unknown dialog state', doc('full', 1, '<dialog id="x"><state>dancing</state></dialog>'), /no id or no known state/],
    ['malformed XML', '<dialog-info', /Malformed|XML/i],
    ['an internal DTD', `<!DOCTYPE d [<!ENTITY x "y">]>${doc('full', 1, '')}`, /DTD or entity/],
    ['more than 100 dialogs', doc('full', 1, '<dialog id="x"><state>early</state></dialog>'.repeat(101)), /more than 100 dialogs/],
    ['an undeclared entity', doc('full', 1, '<dialog id="&x;"><state>early</state></dialog>'), /./],
  ])('refuses %s with a sentence, never a throw', (_what, body, message) => {
    const result = parseDialogInfo(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('applyDialogInfo and lineStateOf', () => {
  const states = (known: ReadonlyMap<string, DialogState>) => [...known.values()];

  it('a full document replaces what was known; a partial one changes only the dialogs it names; terminated ones go', () => {
    let known = applyDialogInfo(new Map(), read(doc('full', 1, '<dialog id="a"><state>early</state></dialog>')));
    expect(lineStateOf(states(known))).toBe('ringing');
    known = applyDialogInfo(known, read(doc('partial', 2, '<dialog id="b"><state>confirmed</state></dialog>')));
    expect([...known.keys()]).toEqual(['a', 'b']);
    expect(lineStateOf(states(known))).toBe('on-the-phone');
    known = applyDialogInfo(known, read(doc('partial', 3, '<dialog id="b"><state>terminated</state></dialog>')));
    expect([...known.keys()]).toEqual(['a']);
    known = applyDialogInfo(known, read(doc('full', 4, '')));
    expect(known.size).toBe(0);
    expect(lineStateOf(states(known))).toBe('idle');
  });

  it('a confirmed dialog wins over a ringing one; trying and proceeding count as ringing; terminated alone is idle', () => {
    expect(lineStateOf(['early', 'confirmed'])).toBe('on-the-phone');
    expect(lineStateOf(['trying'])).toBe('ringing');
    expect(lineStateOf(['proceeding'])).toBe('ringing');
    expect(lineStateOf(['terminated'])).toBe('idle');
    expect(lineStateOf([])).toBe('idle');
  });
});

describe('buildDialogInfo', () => {
  it('writes a document that reads back the same, identifiers and direction included', () => {
    const document: DialogInfoDocument = {
      version: 4,
      state: 'partial',
      entity: 'sip:bob@example.com',
      dialogs: [
        { id: 'd1', state: 'confirmed', direction: 'initiator', callId: 'c1@x', localTag: 'l1', remoteTag: 'r1' },
        { id: 'd2', state: 'terminated' },
      ],
    };
    expect(read(buildDialogInfo(document))).toEqual(document);
  });

  it('writes a line state as the document a phone publishes: idle without dialogs, ringing early, on the phone confirmed', () => {
    for (const lineState of ['idle', 'ringing', 'on-the-phone'] as const) {
      const document = read(buildDialogInfo(lineStateDocument('sip:bob@example.com', lineState, 2)));
      expect(document.state).toBe('full');
      expect(lineStateOf(applyDialogInfo(new Map(), document).values())).toBe(lineState);
    }
  });
});
