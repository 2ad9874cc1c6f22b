/**
 * Words for our own publication and for the connection, as the status picker and the status line
 * show them: each step (connecting, registered, publishing, published) and, when something failed,
 * why — in the server's words where it gave a status code.
 */
import { assertNever } from '../../../shared/assert-never';
import type { SelfPresence, SessionMode } from '../../../shared/ipc/contract';
import { describeFoundServer } from '../../../shared/presence/found-server';
import type { AccountPhase, AccountState, PublicationState } from '../../../shared/presence/presence-state';
import { PRESENCE_STATUS_LABELS, type ChosenStatus } from '../../../shared/presence/presence-status';
import { glyphOfStatus, type StatusGlyph } from '../../../shared/presence/status-glyphs';
import { asClause, formatIn, toneOfStatus, type StatusTone } from './status-view';

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
      const what = publication.status ? ` “${statusPhrase(publication.status, publication.note)}”` : '';
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

/** What the header shows of our own presence: what watchers see, not merely what we chose. */
export interface SelfHeaderView {
  readonly tone: StatusTone;
  readonly glyph: StatusGlyph;
  /** "Busy — Lab", or "Not published — not signed in". */
  readonly label: string;
  /** The choice that is not (yet) what watchers see ("Away — Out for lunch"), else null. */
  readonly chosen: string | null;
  /** No connection to the server, or nothing published: the header is drawn dimmed. */
  readonly isGreyed: boolean;
}

/** What the header reads to describe our presence. */
export interface SelfHeaderInput {
  readonly self: SelfPresence;
  readonly pending: { readonly status: ChosenStatus; readonly note: string } | null;
  readonly mode: SessionMode;
  readonly accountPhase: AccountPhase;
  readonly isPublishingEnabled: boolean;
}

/** "Busy — Lab": a status and its note as one phrase. */
export function statusPhrase(status: ChosenStatus, note: string | undefined): string {
  return `${PRESENCE_STATUS_LABELS[status]}${note ? ` — ${note}` : ''}`;
}

/**
 * The header's dot and words, from the publication (RFC 3903 §4: only an accepted PUBLISH is what watchers see).
 * Anything else reads "Not published — why", with a hollow dot, and the choice beside it.
 */
export function describeSelfHeader({ self, pending, mode, accountPhase, isPublishingEnabled }: SelfHeaderInput): SelfHeaderView {
  const isConnected = accountPhase === 'registered' || accountPhase === 'connected';
  const { publication } = self;
  const choice = pending ?? self;
  const notPublished = (why: string): SelfHeaderView => ({
    tone: 'offline',
    glyph: 'none',
    label: `Not published — ${why}`,
    chosen: statusPhrase(choice.status, choice.note),
    isGreyed: true,
  });
  if (mode === 'offline' || mode === 'starting') return notPublished('not signed in');
  if (!isPublishingEnabled) return notPublished('publishing is off for this account');
  if (pending !== null || publication.phase === 'publishing')
    return {
      tone: 'pending',
      glyph: 'none',
      label: 'Publishing…',
      chosen: statusPhrase(choice.status, choice.note),
      isGreyed: !isConnected,
    };
  switch (publication.phase) {
    case 'published': {
      const status = publication.status ?? self.status;
      const published = statusPhrase(status, publication.note ?? self.note);
      const chosen = statusPhrase(self.status, self.note);
      return {
        tone: toneOfStatus(status),
        glyph: glyphOfStatus(status),
        label: published,
        chosen: chosen === published ? null : chosen,
        isGreyed: !isConnected,
      };
    }
    case 'failed':
    case 'unsupported':
      return notPublished(isConnected ? asClause(publication.problem?.message ?? 'the server refused it') : 'the server cannot be reached');
    case 'idle':
      return notPublished(isConnected ? 'waiting for the server' : 'the server cannot be reached');
    case 'removing':
    case 'removed':
      return notPublished('publication removed');
    default:
      return assertNever(publication.phase);
  }
}
