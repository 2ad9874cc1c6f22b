/**
 * Event packages besides `presence`: what a PUBLISH of each may carry and how the live publications of one AOR are
 * composed into the state its watchers are sent. RFC 3903 §2 makes PUBLISH generic — the package names the
 * composition rule (RFC 3903 §6 step 5: "the ESC MUST … support the event package"); RFC 6665 §4.2 the notifier side.
 *
 *   package          content types                     composition (docs/compositor-team.md §8)        who may watch
 *   message-summary  application/simple-message-summary  the newest publication wins (RFC 3842)         the owner only
 *   dialog           application/dialog-info+xml         every publisher's dialogs in one full document  the owner's presence rules
 *                                                        (RFC 4235), `version` counted per watcher
 *   anything else    as configured (none named: any)     the newest publication wins, body as published  the owner's presence rules
 *
 * `presence` and `presence.winfo` are not packages of this table: presence keeps its own hot path
 * (event-state-compositor.ts) and watcher information is the notifier's (winfo/).
 */
import {
  buildDialogInfo,
  DIALOG_EVENT,
  DIALOG_INFO_CONTENT_TYPE,
  parseDialogInfo,
  type DialogEntry,
} from '../../../shared/dialog-info/dialog-info';
import {
  MESSAGE_SUMMARY_CONTENT_TYPE,
  MESSAGE_SUMMARY_EVENT,
  buildMessageSummary,
  parseMessageSummary,
} from '../../../shared/message-summary';
import { isToken } from '../../../shared/sip/header-values';
import { aorOfText, type Aor } from '../message/aor';

/** An event package as configured (`--event-package NAME[:type,…]`, `CompositorOptions.eventPackages`). */
export interface EventPackageConfig {
  /** The Event header's package name (RFC 6665 §7.2), lower case. */
  readonly name: string;
  /** Media types a PUBLISH may carry; absent: the package's own (message-summary, dialog), or any type. */
  readonly contentTypes?: readonly string[];
}

/** The packages on when nothing is configured. */
export const DEFAULT_EVENT_PACKAGES: readonly EventPackageConfig[] = [{ name: MESSAGE_SUMMARY_EVENT }, { name: DIALOG_EVENT }];

/** Names the compositor serves itself and which cannot be configured as packages. */
const RESERVED_PACKAGES = new Set(['presence', 'presence.winfo']);

/** One live publication as a package's composition sees it. */
export interface PackagePublication {
  readonly body: string;
  /** Its media type, lower case, without parameters. */
  readonly contentType: string;
  /** When its current state was accepted; strictly increasing (acceptance-clock.ts), so "newest" is well defined. */
  readonly receivedAt: number;
}

/** The composed state of one AOR in one package, ready to go in NOTIFY bodies. */
export interface PackageDocument {
  readonly contentType: string;
  /** The body for a watcher's next NOTIFY; `version` is that watcher's count of documents sent (RFC 4235 §4.1.2). */
  render(version: number): string;
  /** One line for `presently compositor status`. */
  readonly summary: string;
}

/** Why a PUBLISH body is refused: 400 for a body that does not read, 403 for one about someone else. */
export interface BodyRefusal {
  readonly status: 400 | 403;
  readonly reason: string;
}

/** An event package the compositor serves. */
export interface EventPackage {
  readonly name: string;
  /** Media types accepted in PUBLISH and offered to watchers; null: any. */
  readonly contentTypes: readonly string[] | null;
  /** Who may subscribe: the owner alone (RFC 3842 §6: a mailbox's summary is its owner's), or whom the presence rules allow. */
  readonly watchers: 'owner' | 'presence-rules';
  /** Checks a PUBLISH body for `aor`: null when it may be stored. */
  check(body: string, contentType: string, aor: Aor): BodyRefusal | null;
  /** The state of `aor` from its live publications; null when there is none to send (a NOTIFY without body). */
  compose(aor: Aor, publications: readonly PackagePublication[]): PackageDocument | null;
}

/** The packages for a configuration, by name; throws a sentence for a name that is not one. */
export function eventPackages(configs: readonly EventPackageConfig[]): ReadonlyMap<string, EventPackage> {
  const packages = new Map<string, EventPackage>();
  for (const config of configs) {
    const name = config.name.trim().toLowerCase();
    if (!isToken(name)) throw new Error(`event package "${config.name}" is not a token (RFC 6665 §8.2.1)`);
    if (RESERVED_PACKAGES.has(name)) throw new Error(`event package ${name} is always served and cannot be configured`);
    if (packages.has(name)) throw new Error(`event package ${name} is configured twice`);
    const types = config.contentTypes?.map((type) => type.trim().toLowerCase());
    for (const type of types ?? []) {
      if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(type))
        throw new Error(`event package ${name}: "${type}" is not a media type such as application/xml`);
    }
    packages.set(name, packageFor(name, types === undefined || types.length === 0 ? null : types));
  }
  return packages;
}

/** `Allow-Events` (RFC 6665 §8.2.2) for SUBSCRIBE and OPTIONS: presence, its watcher information, the configured packages. */
export function allowEvents(packages: ReadonlyMap<string, EventPackage>): string {
  return ['presence', 'presence.winfo', ...packages.keys()].join(', ');
}

/** `Allow-Events` for a 489 to PUBLISH: what may be published — not watcher information, which the server itself keeps. */
export function publishableEvents(packages: ReadonlyMap<string, EventPackage>): string {
  return ['presence', ...packages.keys()].join(', ');
}

function packageFor(name: string, contentTypes: readonly string[] | null): EventPackage {
  switch (name) {
    case MESSAGE_SUMMARY_EVENT:
      return messageSummaryPackage(contentTypes ?? [MESSAGE_SUMMARY_CONTENT_TYPE]);
    case DIALOG_EVENT:
      return dialogPackage(contentTypes ?? [DIALOG_INFO_CONTENT_TYPE]);
    default:
      return opaquePackage(name, contentTypes);
  }
}

/** The newest of a set of publications (by acceptance), or undefined. */
function newest<T extends PackagePublication>(publications: readonly T[]): T | undefined {
  let found: T | undefined;
  for (const publication of publications) if (found === undefined || publication.receivedAt > found.receivedAt) found = publication;
  return found;
}

/**
 * RFC 3842 message summary. Composition: the newest publication wins, not a sum per message class — a voicemail
 * system that loses its entity-tag (a 412 after our restart, its own restart) publishes afresh while its old
 * publication lives on until it expires, and a sum would count its messages twice for up to an hour. One mailbox per
 * user is the usual case; two systems for one user each publishing their own counts is not supported.
 * With nothing published the owner is told "Messages-Waiting: no" (RFC 3842 §3.5: the state is always known).
 */
function messageSummaryPackage(contentTypes: readonly string[]): EventPackage {
  return {
    name: MESSAGE_SUMMARY_EVENT,
    contentTypes,
    watchers: 'owner',
    check: (body) => {
      const parsed = parseMessageSummary(body);
      return parsed.ok ? null : { status: 400, reason: parsed.message };
    },
    compose: (aor, publications) => {
      const latest = newest(publications);
      const body = latest?.body ?? buildMessageSummary({ isWaiting: false, account: aor.uri, counts: [], messageHeaders: [] });
      const parsed = parseMessageSummary(body);
      const summary = !parsed.ok
        ? 'unreadable'
        : `messages waiting: ${parsed.summary.isWaiting ? 'yes' : 'no'}` +
          parsed.summary.counts.map((count) => `, ${count.messageClass} ${count.newMessages}/${count.oldMessages}`).join('');
      return { contentType: latest?.contentType ?? MESSAGE_SUMMARY_CONTENT_TYPE, render: () => body, summary };
    },
  };
}

/**
 * RFC 4235 dialog state. Each phone publishes its own dialogs (a whole `state="full"` document: a publication is all
 * its publisher knows, RFC 3903 §4); watchers get the dialogs of every live publication in one `state="full"`
 * document whose `version` counts the documents sent to that watcher (§4.1.2: per subscription, from 0). Two
 * publishers using the same dialog id: the newer publication's dialog wins. Nothing published: no dialogs, an idle
 * line. Documents are read and written by the shared codec, so what is passed on is what it models (id, state,
 * direction, call-id and tags), not each phone's extra elements.
 */
function dialogPackage(contentTypes: readonly string[]): EventPackage {
  return {
    name: DIALOG_EVENT,
    contentTypes,
    watchers: 'presence-rules',
    check: (body, _contentType, aor) => {
      const parsed = parseDialogInfo(body);
      if (!parsed.ok) return { status: 400, reason: parsed.message };
      if (parsed.document.state !== 'full')
        return { status: 400, reason: 'a PUBLISH carries its publisher\'s whole dialog state: send state="full"' };
      if (aorOfText(parsed.document.entity)?.key !== aor.key)
        return { status: 403, reason: "the dialog document's entity is not the address-of-record" };
      return null;
    },
    compose: (aor, publications) => {
      const byId = new Map<string, DialogEntry>();
      for (const publication of [...publications].sort((a, b) => a.receivedAt - b.receivedAt)) {
        // Checked when published, so it reads; one that somehow does not is left out rather than failing the rest.
        const parsed = parseDialogInfo(publication.body);
        if (parsed.ok) for (const dialog of parsed.document.dialogs) byId.set(dialog.id, dialog);
      }
      const dialogs = [...byId.values()];
      return {
        contentType: DIALOG_INFO_CONTENT_TYPE,
        render: (version) => buildDialogInfo({ version, state: 'full', entity: aor.uri, dialogs }),
        summary: dialogs.length === 0 ? 'no dialogs' : `${dialogs.length} dialogs: ${dialogs.map((d) => d.state).join(', ')}`,
      };
    },
  };
}

/** A package we do not understand: the newest publication is the state, sent as it was published. */
function opaquePackage(name: string, contentTypes: readonly string[] | null): EventPackage {
  return {
    name,
    contentTypes,
    watchers: 'presence-rules',
    check: () => null,
    compose: (_aor, publications) => {
      const latest = newest(publications);
      if (latest === undefined) return null;
      const body = latest.body;
      return { contentType: latest.contentType, render: () => body, summary: `${Buffer.byteLength(body)} bytes of ${latest.contentType}` };
    },
  };
}
