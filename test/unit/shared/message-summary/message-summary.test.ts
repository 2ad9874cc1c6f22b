/**
 * The message-summary codec (shared/message-summary/): RFC 3842 §5.2 and §7's examples, servers' variations (Asterisk's
 * lower-case names and leading blank lines), written bodies that read back the same, and hostile bodies refused.
 */
import { describe, expect, it } from 'vitest';
import { buildMessageSummary, newMessageTotal, parseMessageSummary, type MessageSummary } from '../../../../shared/message-summary';

function read(body: string): MessageSummary {
  const result = parseMessageSummary(body);
  if (!result.ok) throw new Error(result.message);
  return result.summary;
}

describe('parseMessageSummary', () => {
  it('given RFC 3842 §7-style bodies, reads the status, the account, the counts with urgent ones and the message headers', () => {
    const summary = read(
      [
        'Messages-Waiting: yes',
        'Message-Account: sip:alice@vmail.example.com',
        'Voice-Message: 4/8 (1/2)',
        'Fax-Message: 1/0',
        '',
        'To: <alice@atlanta.example.com>',
        'From: <bob@biloxi.example.com>',
        'Subject: carpool tomorrow?',
        '  (continued)',
        '',
      ].join('\r\n'),
    );
    expect(summary).toEqual({
      isWaiting: true,
      account: 'sip:alice@vmail.example.com',
      counts: [
        { messageClass: 'voice-message', newMessages: 4, oldMessages: 8, newUrgentMessages: 1, oldUrgentMessages: 2 },
        { messageClass: 'fax-message', newMessages: 1, oldMessages: 0 },
      ],
      messageHeaders: [
        { name: 'To', value: '<alice@atlanta.example.com>' },
        { name: 'From', value: '<bob@biloxi.example.com>' },
        { name: 'Subject', value: 'carpool tomorrow? (continued)' },
      ],
    });
    expect(newMessageTotal(summary)).toBe(5);
  });

  it('given lower-case names, LF line ends, a leading blank line and an extension header, reads it (Asterisk-style)', () => {
    const summary = read('\nmessages-waiting: no\nvoice-message: 0/3\nX-Extra: hello\n');
    expect(summary.isWaiting).toBe(false);
    expect(summary.counts).toEqual([{ messageClass: 'voice-message', newMessages: 0, oldMessages: 3 }]);
  });

  it.each([
    ['an empty body', '', /Messages-Waiting/],
    ['no status line first', 'Voice-Message: 1/2\r\nMessages-Waiting: yes\r\n', /Messages-Waiting/],
    ['a status other than yes or no', 'Messages-Waiting: maybe\r\n', /neither "yes" nor "no"/],
    ['a voice line without counts', 'Messages-Waiting: yes\r\nVoice-Message: lots\r\n', /no "new\/old" counts/],
    ['a negative count', 'Messages-Waiting: yes\r\nVoice-Message: -1/2\r\n', /no "new\/old" counts/],
    ['a count of ten digits', 'Messages-Waiting: yes\r\nVoice-Message: 9999999999/2\r\n', /no "new\/old" counts/],
    ['a class given twice', 'Messages-Waiting: yes\r\nVoice-Message: 1/2\r\nVoice-Message: 3/4\r\n', /twice/],
    ['a line that is not a header', 'Messages-Waiting: yes\r\n<xml/>\r\n', /not "Name: value"/],
    ['a huge body', `Messages-Waiting: yes\r\n${'X-Pad: y\r\n'.repeat(3000)}`, /larger than/],
    ['many lines', `Messages-Waiting: yes\r\n${'\r\n'.repeat(300)}`, /more than 200 lines/],
  ])('given %s, refuses the body with one sentence', (_, body, message) => {
    const result = parseMessageSummary(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('buildMessageSummary', () => {
  it('writes a body with CRLF line ends that reads back the same', () => {
    const summary: MessageSummary = {
      isWaiting: true,
      account: 'sip:alice@example.com',
      counts: [
        { messageClass: 'voice-message', newMessages: 2, oldMessages: 8, newUrgentMessages: 0, oldUrgentMessages: 1 },
        { messageClass: 'multimedia-message', newMessages: 0, oldMessages: 1 },
      ],
      messageHeaders: [{ name: 'Subject', value: 'hi' }],
    };
    const body = buildMessageSummary(summary);
    expect(body).toBe(
      'Messages-Waiting: yes\r\nMessage-Account: sip:alice@example.com\r\nVoice-Message: 2/8 (0/1)\r\nMultimedia-Message: 0/1\r\n\r\nSubject: hi\r\n',
    );
    expect(read(body)).toEqual(summary);
  });

  it('keeps what it writes well formed: counts clamped to whole non-negative numbers, line breaks in values removed', () => {
    const body = buildMessageSummary({
      isWaiting: false,
      account: 'sip:a@x\r\nMessages-Waiting: yes',
      counts: [{ messageClass: 'voice-message', newMessages: -3, oldMessages: 2.7 }],
      messageHeaders: [],
    });
    expect(read(body)).toMatchObject({ isWaiting: false, counts: [{ messageClass: 'voice-message', newMessages: 0, oldMessages: 2 }] });
  });
});
