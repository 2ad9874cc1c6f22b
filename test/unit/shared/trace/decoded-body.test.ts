/**
 * The trace pane's body decoding (shared/trace/decoded-body.ts): each format read by the codec the app uses for it,
 * with bodies shaped like real servers' NOTIFYs, and every malformed body answered as `unreadable` with a reason —
 * never a throw.
 */
import { describe, expect, it } from 'vitest';
import { decodeBody, decodePresence } from '../../../../shared/trace/decoded-body';

const PIDF_BUSY =
  '<?xml version="1.0" encoding="UTF-8"?>\r\n' +
  '<presence xmlns="urn:ietf:params:xml:ns:pidf" xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model" ' +
  'xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid" entity="sip:bob@example.com">\r\n' +
  '  <tuple id="t1"><status><basic>open</basic></status><contact>sip:bob@192.0.2.4:5060</contact></tuple>\r\n' +
  '  <dm:person id="p1"><rpid:activities><rpid:busy/></rpid:activities><dm:note>Writing the report</dm:note></dm:person>\r\n' +
  '</presence>';

/** Asterisk's extension state for 1001 while it rings (one dialog named after the extension). */
const DIALOG_RINGING =
  '<?xml version="1.0"?>\r\n' +
  '<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="4" state="full" entity="sip:1001@pbx.example.com">\r\n' +
  '<dialog id="1001" direction="recipient"><state>early</state></dialog>\r\n' +
  '</dialog-info>\r\n';

describe('decodeBody', () => {
  it('given a PIDF body, then it is the summary the buddy list shows', () => {
    const decoded = decodeBody(PIDF_BUSY, 'application/pidf+xml');
    expect(decoded).toMatchObject({ kind: 'presence', summary: { status: 'busy', note: 'Writing the report' } });
  });

  it('given a dialog-info body, then it is the dialogs and the line state they make', () => {
    expect(decodeBody(DIALOG_RINGING, 'application/dialog-info+xml; charset=utf-8')).toEqual({
      kind: 'dialog-info',
      lineState: 'ringing',
      document: { version: 4, state: 'full', entity: 'sip:1001@pbx.example.com', dialogs: [{ id: '1001', state: 'early' }] },
    });
  });

  it.each([
    ['cut short', PIDF_BUSY.slice(0, 200), 'application/pidf+xml', 'presence'],
    ['another document under a PIDF type', DIALOG_RINGING, 'application/pidf+xml', 'presence'],
    ['a DTD with an entity', '<!DOCTYPE d [<!ENTITY e "x">]>' + DIALOG_RINGING, 'application/dialog-info+xml', 'dialog-info'],
    ['no version', DIALOG_RINGING.replace(' version="4"', ''), 'application/dialog-info+xml', 'dialog-info'],
    ['not XML at all', 'Messages-Waiting: yes', 'application/dialog-info+xml', 'dialog-info'],
  ])('given a malformed body (%s), then it is unreadable with the codec’s reason', (_, body, contentType, format) => {
    const decoded = decodeBody(body, contentType);
    expect(decoded).toMatchObject({ kind: 'unreadable', format });
    expect(decoded.kind === 'unreadable' && decoded.reason.length).toBeGreaterThan(10);
  });

  it('given an empty body or a format it does not decode, then there is nothing to show', () => {
    expect(decodeBody('', 'application/pidf+xml')).toEqual({ kind: 'none' });
    expect(decodeBody('  \r\n', 'application/dialog-info+xml')).toEqual({ kind: 'none' });
    expect(decodeBody('v=0\r\n', 'application/sdp')).toEqual({ kind: 'none' });
    expect(decodeBody(PIDF_BUSY, '')).toEqual({ kind: 'none' });
  });
});

describe('decodePresence', () => {
  it('given a body that is not presence, then none, even when its own format is decodable', () => {
    expect(decodePresence(DIALOG_RINGING, 'application/dialog-info+xml')).toEqual({ kind: 'none' });
    expect(decodePresence(PIDF_BUSY, 'application/pidf+xml').kind).toBe('presence');
  });
});
