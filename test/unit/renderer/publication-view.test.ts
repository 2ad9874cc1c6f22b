import { describe, expect, it } from 'vitest';
import { describeAccountState, describePublication, publicationStep } from '../../../renderer/src/presence/publication-view';

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
