import { describe, expect, it } from 'vitest';
import type { PublicationState } from '../../../shared/presence/presence-state';
import {
  describeAccountState,
  describePublication,
  describeSelfHeader,
  publicationStep,
  type SelfHeaderInput,
} from '../../../renderer/src/presence/publication-view';

const now = 1_800_000_000_000;

describe('words for our publication and connection', () => {
  it('says whether the server accepted the publication, and why not', () => {
    expect(
      describePublication({ phase: 'published', status: 'busy', note: 'Lab', etag: 'a1', expiresAt: now + 600_000 }, true, 'demo', now),
    ).toEqual({
      text: 'Published “Busy — Lab”: the server accepted it. It expires in 10 min unless refreshed; Presently refreshes it.',
      tone: 'ok',
    });
    expect(
      describePublication(
        {
          phase: 'unsupported',
          problem: { statusCode: 489, message: 'The server does not accept presence publications (489 Bad Event).' },
        },
        true,
        'account',
        now,
      ),
    ).toEqual({ text: 'Not accepted: The server does not accept presence publications (489 Bad Event).', tone: 'problem' });
    expect(
      describePublication({ phase: 'failed', problem: { message: 'No answer.' }, retryAt: now + 30_000 }, true, 'account', now).text,
    ).toBe('Not accepted: No answer. Retrying in 30 s.');
  });

  it('tells “publishing off”, “not signed in” and “waiting” apart', () => {
    expect(describePublication({ phase: 'idle' }, false, 'account', now).text).toMatch(/switched off/);
    expect(describePublication({ phase: 'idle' }, true, 'offline', now).text).toMatch(/not signed in/);
    expect(describePublication({ phase: 'idle' }, true, 'account', now).text).toMatch(/waiting for the connection/);
  });

  it('names each connection step and a failure with its reason and retry', () => {
    expect(describeAccountState({ phase: 'registering', server: 'sip:pbx;transport=tcp' }, 'account', now).text).toBe(
      'Registering with sip:pbx;transport=tcp…',
    );
    expect(
      describeAccountState(
        {
          phase: 'failed',
          server: 'sip:pbx',
          problem: { statusCode: 403, message: 'Wrong password (403 Forbidden).' },
          retryAt: now + 12_000,
        },
        'account',
        now,
      ),
    ).toEqual({ text: 'Failed: Wrong password (403 Forbidden). — retrying in 12 s', tone: 'problem' });
    expect(
      describeAccountState(
        { phase: 'registered', server: 'sip:example.com', found: { host: 'sip.example.com', port: 5061, transport: 'tls', via: 'srv' } },
        'account',
        now,
      ).text,
    ).toBe('Registered with sip:example.com. Found sip.example.com:5061 over TLS via DNS SRV');
    expect(
      describeAccountState(
        { phase: 'registered', server: 'sip:10.0.0.5:5060', found: { host: '10.0.0.5', port: 5060, transport: 'udp', via: 'uri' } },
        'account',
        now,
      ).text,
    ).toBe('Registered with sip:10.0.0.5:5060');
    expect(publicationStep({ phase: 'publishing' })).toEqual({ text: 'publishing…', tone: 'progress' });
    expect(publicationStep({ phase: 'idle' })).toBeNull();
  });
});

describe('the header: what watchers see', () => {
  const self = { status: 'away' as const, note: 'Lunch', recentNotes: [] };
  const header = (publication: PublicationState, more: Partial<SelfHeaderInput> = {}) =>
    describeSelfHeader({
      self: { ...self, publication },
      pending: null,
      mode: 'account',
      accountPhase: 'registered',
      isPublishingEnabled: true,
      ...more,
    });

  it('given an accepted publication, then its status with its glyph, not dimmed', () => {
    expect(header({ phase: 'published', status: 'away', note: 'Lunch' })).toEqual({
      tone: 'away',
      glyph: 'clock',
      label: 'Away — Lunch',
      chosen: null,
      isGreyed: false,
    });
  });

  it('given no account, then “not published — not signed in” with the choice beside it, dimmed, never “Available”', () => {
    expect(header({ phase: 'idle' }, { mode: 'offline', accountPhase: 'idle' })).toMatchObject({
      tone: 'offline',
      label: 'Not published — not signed in',
      chosen: 'Away — Lunch',
      isGreyed: true,
    });
  });

  it('given a server that cannot be reached or refuses, then not published and why', () => {
    expect(header({ phase: 'idle' }, { accountPhase: 'failed' }).label).toBe('Not published — the server cannot be reached');
    expect(
      header({ phase: 'unsupported', problem: { statusCode: 489, message: 'The server does not take presence (489 Bad Event).' } }).label,
    ).toBe('Not published — the server does not take presence (489 Bad Event)');
  });

  it('given a publication accepted before the connection was lost, then its status, dimmed', () => {
    expect(header({ phase: 'published', status: 'away', note: 'Lunch' }, { accountPhase: 'stopped' })).toMatchObject({
      label: 'Away — Lunch',
      isGreyed: true,
    });
  });

  it('given a choice on its way, then “Publishing…” with the choice', () => {
    expect(header({ phase: 'published', status: 'away', note: 'Lunch' }, { pending: { status: 'busy', note: '' } })).toMatchObject({
      label: 'Publishing…',
      chosen: 'Busy',
    });
  });
});
