/**
 * The trace pane's body decoding (shared/trace/decoded-body.ts): each format read by the codec the app uses for it,
 * with bodies shaped like real servers' NOTIFYs, and every malformed body answered as `unreadable` with a reason —
 * never a throw.
 */
import { describe, expect, it } from 'vitest';
import { decodeBody, layOutBody } from '../../../../shared/trace/decoded-body';
import { DIALOG_RINGING, listNotify, MESSAGE_SUMMARY, PIDF_BUSY } from './event-bodies';

describe('decodeBody', () => {
  it('given a PIDF body, then it is the summary the buddy list shows', () => {
    const decoded = decodeBody(PIDF_BUSY, 'application/pidf+xml');
    expect(decoded).toMatchObject({ kind: 'presence', summary: { status: 'busy', note: 'Writing the report' } });
  });

  it('given a dialog-info body, then it is the dialogs and the line state they make', () => {
    expect(decodeBody(DIALOG_RINGING, 'application/dialog-info+xml; charset=utf-8')).toEqual({
      kind: 'dialog-info',
      lineState: 'ringing',
      document: {
        version: 4,
        state: 'full',
        entity: 'sip:1001@pbx.example.com',
        dialogs: [{ id: '1001', state: 'early', direction: 'recipient' }],
      },
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

describe('decodeBody on the event packages beyond presence', () => {
  it('given a message summary, then messages waiting, the mailbox and each class with its counts', () => {
    expect(decodeBody(MESSAGE_SUMMARY, 'application/simple-message-summary')).toMatchObject({
      kind: 'message-summary',
      summary: {
        isWaiting: true,
        account: 'sip:alice@vmail.example.com',
        counts: [
          { messageClass: 'voice-message', newMessages: 2, oldMessages: 8, newUrgentMessages: 0, oldUrgentMessages: 2 },
          { messageClass: 'fax-message', newMessages: 1, oldMessages: 0 },
        ],
      },
    });
  });

  it('given a list NOTIFY, then every part with its Content-ID, the RLMI root, and each member part tied to its resource', () => {
    const { body, contentType } = listNotify();
    const decoded = decodeBody(body, contentType);
    if (decoded.kind !== 'multipart') throw new Error(`expected multipart, got ${decoded.kind}`);
    expect(decoded.problems).toEqual([]);
    expect(decoded.parts.map(({ contentId, isRoot, resource, decoded: d }) => ({ contentId, isRoot, resource, kind: d.kind }))).toEqual([
      { contentId: 'nXYxAE@example.com', isRoot: true, resource: null, kind: 'rlmi' },
      { contentId: 'bZr1Kp@example.com', isRoot: false, resource: 'sip:bob@example.com', kind: 'presence' },
    ]);
    expect(decoded.parts[0]!.decoded).toMatchObject({
      kind: 'rlmi',
      document: {
        uri: 'sip:alice-buddies@example.com',
        isFullState: true,
        resources: [
          { uri: 'sip:bob@example.com', instances: [{ state: 'active', cid: 'bZr1Kp@example.com' }] },
          { uri: 'sip:dave@example.com', instances: [{ state: 'terminated', reason: 'rejected' }] },
        ],
      },
    });
    expect(decoded.parts[1]!.decoded).toMatchObject({ kind: 'presence', summary: { status: 'busy' } });
  });

  it('given a list NOTIFY whose member part is broken, then that part alone is unreadable and the others still decode', () => {
    const { body, contentType } = listNotify({
      bobPart: '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:bob@example.com"><tuple>',
    });
    const decoded = decodeBody(body, contentType);
    if (decoded.kind !== 'multipart') throw new Error(`expected multipart, got ${decoded.kind}`);
    expect(decoded.parts.map((part) => part.decoded.kind)).toEqual(['rlmi', 'unreadable']);
    expect(decoded.parts[1]!.decoded).toMatchObject({ kind: 'unreadable', format: 'presence' });
  });

  it.each([
    ['no boundary parameter', (b: string) => b, (t: string) => t.replace(/;boundary="[^"]*"/, ''), /boundary/i],
    ['no closing delimiter', (b: string) => b.replace('--50UBfW7LSCVLtggUPe5z--\r\n', ''), (t: string) => t, /closing boundary/i],
    ['a boundary that never occurs', (b: string) => b, (t: string) => t.replace('50UBfW7LSCVLtggUPe5z', 'elsewhere'), /no part/i],
  ])('given a multipart body with %s, then it is unreadable with the reason', (_, body, type, reason) => {
    const notify = listNotify();
    const decoded = decodeBody(body(notify.body), type(notify.contentType));
    expect(decoded).toMatchObject({ kind: 'unreadable', format: 'multipart' });
    expect(decoded.kind === 'unreadable' && decoded.reason).toMatch(reason);
  });

  it.each([
    ['an RLMI without fullState', '<list xmlns="urn:ietf:params:xml:ns:rlmi" uri="sip:l@x" version="1"/>', 'application/rlmi+xml', 'rlmi'],
    [
      'an RLMI of another namespace',
      '<list xmlns="urn:example" uri="sip:l@x" version="1" fullState="true"/>',
      'application/rlmi+xml',
      'rlmi',
    ],
    ['a summary without its status line', 'Voice-Message: 2/8\r\n', 'application/simple-message-summary', 'message-summary'],
    [
      'a summary with a count that is not a number',
      'Messages-Waiting: yes\r\nVoice-Message: two/8\r\n',
      'application/simple-message-summary',
      'message-summary',
    ],
  ])('given %s, then it is unreadable with the codec’s reason', (_, body, contentType, format) => {
    const decoded = decodeBody(body, contentType);
    expect(decoded).toMatchObject({ kind: 'unreadable', format });
    expect(decoded.kind === 'unreadable' && decoded.reason.length).toBeGreaterThan(10);
  });
});

describe('layOutBody', () => {
  it('given a list NOTIFY, then part by part: its Content-ID and type, then its own body pretty-printed', () => {
    const { body, contentType } = listNotify({ bobPart: PIDF_BUSY.replace(/\r\n\s*/g, '') });
    const text = layOutBody(body, contentType, decodeBody(body, contentType)).text;
    const lines = text.split('\n');
    expect(lines[0]).toBe('--50UBfW7LSCVLtggUPe5z');
    expect(lines).toContain('Content-ID: <bZr1Kp@example.com>');
    expect(lines).toContain('  <tuple id="t1">');
    expect(lines).toContain('    <dm:note>Writing the report</dm:note>');
    expect(lines.at(-1)).toBe('--50UBfW7LSCVLtggUPe5z--');
  });

  it('given a body its codec refuses, then it is exactly as received, even where its XML would indent', () => {
    const body = '<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info"><dialog id="x"/></dialog-info>';
    const decoded = decodeBody(body, 'application/dialog-info+xml');
    expect(decoded.kind).toBe('unreadable');
    expect(layOutBody(body, 'application/dialog-info+xml', decoded)).toEqual({ text: body, language: 'xml', isReformatted: false });
  });

  it('given a list NOTIFY with a broken member part, then that part is as received inside the laid-out parts', () => {
    const broken = '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:bob@example.com"><tuple id="t"><status/></tuple>';
    const { body, contentType } = listNotify({ bobPart: broken });
    expect(layOutBody(body, contentType, decodeBody(body, contentType)).text).toContain(`\n\n${broken}\n--50UBfW7LSCVLtggUPe5z--`);
  });
});
