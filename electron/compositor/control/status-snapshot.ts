/**
 * The compositor's state in plain data for `presently compositor status`: presentities with their composed presence
 * (RFC 3903 §6 composition, read back through the shared PIDF codec as a watcher's buddy list would read it) and live
 * publications, subscriptions (RFC 6665 §4.1.3 states) and registered bindings (RFC 3261 §10.3). Built on demand from
 * the stores' own records, never kept: a status request costs one pass over them and leaves nothing behind. Reading
 * a presentity's composed document back costs a PIDF parse (about 0.1–0.4 ms), so the presentities are read in
 * slices with the event loop let through between them: a status of thousands of presentities must not hold up SIP.
 */
import { parsePresenceBody, summarizePresence } from '../../../shared/pidf';
import { parseNameAddr } from '../../../shared/sip/header-values';
import type { CompositorStatus, PresentityStatus, RegistrationStatus, WatcherStatus } from '../compositor-types';
import type { Presentity } from '../esc/event-state-compositor';
import type { Aor } from '../message/aor';
import type { WatcherDialog } from '../notifier/notifier';
import type { Binding } from '../registrar/registrar';
import { flowLabel } from '../transport/flow';

/** Presentities read between two turns of the event loop. */
const PRESENTITIES_PER_SLICE = 100;

/** What the snapshot reads: the stores' live records and the composed document of an AOR. */
export interface StatusSources {
  readonly presentities: readonly Presentity[];
  readonly watchers: readonly WatcherDialog[];
  readonly bindings: readonly Binding[];
  /** The composed PIDF body watchers of `aor` receive now. */
  composedBody(aor: Aor): string;
  /** How many members an owner's buddy list has. */
  listMembers(ownerAorKey: string): number;
  /** Another package's composed state of `aor` in one line (null: none). */
  packageSummary(event: string, aor: Aor): string | null;
  readonly now: number;
}

/**
 * The status from `sources.now` on, each list in a stable order (by AOR, then watcher or contact). Watchers and
 * bindings are read at once; presentities slice by slice, each as it is when its turn comes (one that has gone
 * meanwhile is left out).
 */
export async function statusSnapshot(sources: StatusSources): Promise<CompositorStatus> {
  const presentities: PresentityStatus[] = [];
  for (const [index, presentity] of sources.presentities.entries()) {
    if (index > 0 && index % PRESENTITIES_PER_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    if (presentity.publications.length === 0) continue;
    presentities.push(
      presentity.event === 'presence'
        ? presentityStatus(presentity, sources.composedBody(presentity.aor))
        : {
            ...presentityStatus(presentity, null),
            summary: sources.packageSummary(presentity.event, presentity.aor),
          },
    );
  }
  const watchers = sources.watchers.map((dialog): WatcherStatus => ({
    watcher: parseNameAddr(dialog.remoteParty)?.uri.text ?? dialog.remoteParty,
    presentity: dialog.aor.uri,
    listMembers: dialog.list === null ? null : sources.listMembers(dialog.list.owner.key),
    event: dialog.package,
    state: dialog.isTerminated ? 'terminated' : dialog.state,
    transport: dialog.flow.transport,
    source: dialog.flow.label,
    expiresAt: dialog.expiresAt,
  }));
  const registrations = sources.bindings.map((binding): RegistrationStatus => ({
    aor: `sip:${binding.aorKey}`,
    contact: binding.uri,
    expiresAt: binding.expiresAt,
    source: binding.registeredFrom === null ? null : flowLabel('udp', binding.registeredFrom.address, binding.registeredFrom.port),
  }));
  return {
    time: sources.now,
    presentities: presentities.sort((a, b) => compare(a.aor, b.aor) || compare(a.event, b.event)),
    watchers: watchers.sort((a, b) => compare(a.presentity, b.presentity) || compare(a.watcher, b.watcher)),
    registrations: registrations.sort((a, b) => compare(a.aor, b.aor) || compare(a.contact, b.contact)),
  };
}

/** A presentity's status; `composedBody` is its PIDF for presence, null for another package. */
function presentityStatus(presentity: Presentity, composedBody: string | null): PresentityStatus {
  const parsed = composedBody === null ? null : parsePresenceBody(composedBody, 'application/pidf+xml');
  // Our own composition always parses; should it not, the publications are still worth listing.
  const summary = parsed?.ok === true ? summarizePresence(parsed.document) : null;
  return {
    aor: presentity.aor.uri,
    event: presentity.event,
    summary: null,
    status: summary?.status ?? 'unknown',
    note: summary?.note ?? null,
    devices: (summary?.devices ?? []).map((device) => ({ id: device.id, status: device.status, label: device.label })),
    publications: presentity.publications.map((publication) => ({
      etag: publication.etag,
      expiresAt: publication.expiresAt,
      publisher: publication.thirdPartyPublisher === null ? null : `sip:${publication.thirdPartyPublisher}`,
    })),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
