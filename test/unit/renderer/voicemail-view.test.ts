/** The header's voicemail indicator (renderer/src/presence/voicemail-view.ts): when it shows, and what it says. */
import { describe, expect, it } from 'vitest';
import { VOICEMAIL_OFF, type VoicemailState } from '../../../shared/presence/presence-state';
import { describeVoicemail } from '../../../renderer/src/presence/voicemail-view';

const offered = (overrides: Partial<VoicemailState>): VoicemailState => ({
  ...VOICEMAIL_OFF,
  availability: 'offered',
  account: 'sip:alice@example.com',
  updatedAt: 1_000,
  ...overrides,
});

describe('describeVoicemail', () => {
  it.each(['off', 'waiting', 'not-offered'] as const)('given the mailbox %s, then the indicator is hidden', (availability) => {
    expect(describeVoicemail({ ...VOICEMAIL_OFF, availability })).toBeNull();
  });

  it('given a failure before any summary arrived, then it is hidden (nothing is known of the mailbox)', () => {
    expect(describeVoicemail({ ...VOICEMAIL_OFF, availability: 'failed', problem: { message: 'No answer.' } })).toBeNull();
  });

  it('given voice and fax messages, then voice leads the badge and the text, and every class is in the details', () => {
    const view = describeVoicemail(
      offered({
        isWaiting: true,
        mailbox: 'sip:alice@vmail.example.com',
        counts: [
          { messageClass: 'fax-message', newMessages: 1, oldMessages: 0 },
          { messageClass: 'voice-message', newMessages: 2, oldMessages: 8, newUrgentMessages: 0, oldUrgentMessages: 2 },
        ],
      }),
    );
    expect(view).toMatchObject({
      isWaiting: true,
      isCurrent: true,
      badge: '2',
      shortText: '2 new',
      mailbox: 'sip:alice@vmail.example.com',
    });
    expect(view!.classes).toEqual([
      { messageClass: 'voice-message', label: 'Voice', text: '2 new, 8 old (2 urgent old)' },
      { messageClass: 'fax-message', label: 'Fax', text: '1 new, 0 old' },
    ]);
    expect(view!.description).toBe('Voicemail: 2 new — voice: 2 new, 8 old (2 urgent old); fax: 1 new, 0 old');
  });

  it('given only old messages, then no badge and "No new messages"', () => {
    const view = describeVoicemail(offered({ counts: [{ messageClass: 'voice-message', newMessages: 0, oldMessages: 3 }] }));
    expect(view).toMatchObject({
      isWaiting: false,
      badge: null,
      shortText: 'No new messages',
      description: 'Voicemail: No new messages — voice: 0 new, 3 old',
    });
  });

  it('given Messages-Waiting without counts, then it says messages wait, without a number', () => {
    expect(describeVoicemail(offered({ isWaiting: true }))).toMatchObject({
      badge: null,
      shortText: 'Messages waiting',
      description: 'Voicemail: Messages waiting',
    });
  });

  it('given no voice line, then the badge counts the new messages of every class; beyond 99 it reads 99+', () => {
    const view = describeVoicemail(
      offered({
        isWaiting: true,
        counts: [
          { messageClass: 'text-message', newMessages: 60, oldMessages: 0 },
          { messageClass: 'x-video', newMessages: 45, oldMessages: 1 },
        ],
      }),
    );
    expect(view).toMatchObject({ badge: '99+', shortText: '105 new' });
    expect(view!.classes.map((c) => c.label)).toEqual(['Text', 'x-video']);
  });

  it('given the server stopped reporting after a summary, then the last counts stay, marked not current with the reason', () => {
    const view = describeVoicemail(
      offered({
        availability: 'failed',
        isWaiting: true,
        counts: [{ messageClass: 'voice-message', newMessages: 1, oldMessages: 0 }],
        problem: { message: 'The server did not answer.', cause: 'timeout' },
      }),
    );
    expect(view).toMatchObject({ isCurrent: false, badge: '1', problem: 'The server did not answer.' });
    expect(view!.description).toMatch(/not current: The server did not answer\.$/);
  });
});
