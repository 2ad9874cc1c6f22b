/**
 * Words for our own publication and for the connection, as the status picker and the status line
 * show them: each step (connecting, registered, publishing, published) and, when something failed,
 * why — in the server's words where it gave a status code.
 */
import { assertNever } from '../../../shared/assert-never';
import type { SessionMode } from '../../../shared/ipc/contract';
import { describeFoundServer } from '../../../shared/presence/found-server';
import type { AccountState, PublicationState } from '../../../shared/presence/presence-state';
import { PRESENCE_STATUS_LABELS } from '../../../shared/presence/presence-status';
import { formatIn } from './status-view';

/** How a line should look: ordinary progress, done, or a problem. */
export type LineTone = 'progress' | 'ok' | 'problem' | 'neutral';

export interface StatusText {
  readonly text: string;
  readonly tone: LineTone;
}

/**
 * The publication's state in one sentence. `isPublishingEnabled` false: the account does not publish;
 * `mode` tells "not signed in" apart from "waiting for the server".
 */
export function describePublication(
  publication: PublicationState,
  isPublishingEnabled: boolean,
  mode: SessionMode,
  now: number,
): StatusText {
  const retry = publication.retryAt ? ` Retrying ${formatIn(publication.retryAt, now)}.` : '';
  switch (publication.phase) {
    case 'idle':
      if (mode === 'offline' || mode === 'starting') return { text: 'Not published: not signed in to a server.', tone: 'neutral' };
      return isPublishingEnabled
        ? { text: 'Not published yet: waiting for the connection.', tone: 'neutral' }
        : { text: 'Not published: publishing is switched off for this account.', tone: 'neutral' };
    case 'publishing':
      return { text: 'Publishing…', tone: 'progress' };
    case 'published': {
      const what = publication.status
        ? ` “${PRESENCE_STATUS_LABELS[publication.status]}${publication.note ? ` — ${publication.note}` : ''}”`
        : '';
      const expiry = publication.expiresAt
        ? ` It expires ${formatIn(publication.expiresAt, now)} unless refreshed; Presently refreshes it.`
        : '';
      return { text: `Published${what}: the server accepted it.${expiry}`, tone: 'ok' };
    }
    case 'removing':
      return { text: 'Removing the publication…', tone: 'progress' };
    case 'removed':
      return { text: 'Publication removed.', tone: 'neutral' };
    case 'failed':
      return { text: `Not accepted: ${publication.problem?.message ?? 'the publication failed.'}${retry}`, tone: 'problem' };
    case 'unsupported':
      return {
        text: `Not accepted: ${publication.problem?.message ?? 'this server does not take presence publications.'}`,
        tone: 'problem',
      };
    default:
      return assertNever(publication.phase);
  }
}

/** The connection's state in one short phrase for the status line. */
export function describeAccountState(connection: AccountState, mode: SessionMode, now: number): StatusText {
  const server = connection.server || 'the server';
  // Where DNS chose the server, say which one it found; a server URI with host and port says it already.
  const found = connection.found !== undefined && connection.found.via !== 'uri' ? `. ${describeFoundServer(connection.found)}` : '';
  switch (connection.phase) {
    case 'idle':
      return mode === 'starting' ? { text: 'Starting…', tone: 'progress' } : { text: 'Not connected', tone: 'neutral' };
    case 'connecting':
      return { text: `Connecting to ${server}…`, tone: 'progress' };
    case 'connected':
      return { text: `Connected to ${server}${found}`, tone: 'ok' };
    case 'registering':
      return { text: `Registering with ${server}${found}…`, tone: 'progress' };
    case 'registered':
      return { text: `Registered with ${server}${found}`, tone: 'ok' };
    case 'failed': {
      const retry = connection.retryAt ? ` — retrying ${formatIn(connection.retryAt, now)}` : '';
      return { text: `Failed: ${connection.problem?.message ?? 'the connection failed.'}${retry}`, tone: 'problem' };
    }
    case 'stopped':
      return { text: 'Disconnected', tone: 'neutral' };
    default:
      return assertNever(connection.phase);
  }
}

/** The publication's step as a short phrase for the status line, or null when there is nothing to say. */
export function publicationStep(publication: PublicationState): StatusText | null {
  switch (publication.phase) {
    case 'idle':
    case 'removed':
      return null;
    case 'publishing':
      return { text: 'publishing…', tone: 'progress' };
    case 'published':
      return { text: 'published', tone: 'ok' };
    case 'removing':
      return { text: 'removing publication…', tone: 'progress' };
    case 'failed':
    case 'unsupported':
      return { text: `publication failed: ${publication.problem?.message ?? 'no reason given'}`, tone: 'problem' };
    default:
      return assertNever(publication.phase);
  }
}
