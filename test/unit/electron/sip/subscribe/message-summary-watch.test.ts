/** The mailbox's body reader (electron/sip/subscribe/message-summary-watch.ts): each summary replaces the last; a bad one is a warning. */
import { describe, expect, it } from 'vitest';
import { MessageSummaryWatch } from '../../../../../electron/sip/subscribe/message-summary-watch';
import type { MessageSummary } from '../../../../../shared/message-summary';

describe('MessageSummaryWatch', () => {
  it('given summaries, then each replaces the last; given a hostile one, then it is unreadable and the last good one stays', () => {
    const heard: MessageSummary[] = [];
    const watch = new MessageSummaryWatch((summary) => heard.push(summary));
    expect(watch.readBody('Messages-Waiting: yes\r\nVoice-Message: 2/8\r\n')).toEqual({ kind: 'taken', resync: false });
    expect(watch.readBody('Messages-Waiting: no\r\nVoice-Message: 0/10\r\n')).toEqual({ kind: 'taken', resync: false });
    expect(heard.map((s) => s.isWaiting)).toEqual([true, false]);
    expect(watch.readBody('Messages-Waiting: yes\r\nVoice-Message: 99999999999/1\r\n')).toMatchObject({
      kind: 'unreadable',
      problem: { message: expect.stringMatching(/voicemail summary Presently could not read/) },
    });
    expect(watch.summary?.counts).toEqual([{ messageClass: 'voice-message', newMessages: 0, oldMessages: 10 }]);
    expect(watch.readBody('')).toEqual({ kind: 'empty' });
  });
});
