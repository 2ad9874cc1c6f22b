/**
 * Between the compositor's live objects and the state file's rows: the persistence hooks the ESC (RFC 3903 §6),
 * the notifier (RFC 6665 §4.2) and the registrar (RFC 3261 §10.3) call, and the reading back at start-up.
 *
 * A row's JSON is the whole object minus what only makes sense in this process (a parsed document, a heap index, a
 * socket), so a field added to a publication, a watcher dialog or a binding is saved and restored without a change
 * here. Reading back checks the fields the code relies on and leaves out a row that lacks them (a damaged file must
 * not stop the server or put a half object in its maps).
 */
import type { Aor } from '../message/aor';
import type { EventPublication, PublicationPersistence, RestoredPublication } from '../esc/event-state-compositor';
import type { RestoredSubscription, SubscriptionPersistence, WatcherDialog } from '../notifier/notifier';
import type { Binding, BindingPersistence, RestoredBinding } from '../registrar/registrar';
import { COMPOSED_CONTENT_TYPES } from '../esc/event-state-compositor';
import type { CompositorStateStore, StateRow } from './state-store';

/** The hooks that write every change of soft state to the store (committed by its group commit). */
export interface PersistenceHooks {
  readonly publications: PublicationPersistence;
  readonly subscriptions: SubscriptionPersistence;
  readonly bindings: BindingPersistence;
}

/** Everything read back from a state file, ready for the ESC's, notifier's and registrar's `restore`. */
export interface LoadedState {
  readonly publications: RestoredPublication[];
  readonly subscriptions: RestoredSubscription[];
  readonly bindings: RestoredBinding[];
  /** Rows left out because they could not be read. */
  readonly unreadable: number;
}

/** The hooks for a store. Watchers on a connection are not kept: a connection cannot outlive the process. */
export function persistenceHooks(store: CompositorStateStore): PersistenceHooks {
  return {
    publications: {
      saved: (publication, replacedEtag) => {
        if (replacedEtag !== null) store.remove('publications', replacedEtag);
        store.put('publications', publicationRow(publication));
      },
      removed: (publication) => store.remove('publications', publication.etag),
    },
    subscriptions: {
      saved: (subscription) => {
        if (subscription.flow.isReliable) store.remove('subscriptions', subscription.id);
        else store.put('subscriptions', subscriptionRow(subscription));
      },
      removed: (subscription) => store.remove('subscriptions', subscription.id),
    },
    bindings: {
      saved: (binding) => store.put('bindings', bindingRow(binding)),
      removed: (binding) => store.remove('bindings', bindingId(binding)),
    },
  };
}

/** Reads every row of the store into restorable objects. */
export function loadState(store: CompositorStateStore): LoadedState {
  let unreadable = 0;
  const read = <T>(table: 'publications' | 'subscriptions' | 'bindings', convert: (row: StateRow) => T | null): T[] => {
    const loaded = store.load(table);
    unreadable += loaded.unreadable;
    const objects: T[] = [];
    for (const row of loaded.rows) {
      const object = convert(row);
      if (object === null) unreadable++;
      else objects.push(object);
    }
    return objects;
  };
  const publications = read('publications', restoredPublication);
  const subscriptions = read('subscriptions', restoredSubscription);
  const bindings = read('bindings', restoredBinding);
  return { publications, subscriptions, bindings, unreadable };
}

function publicationRow(publication: EventPublication): StateRow {
  // The parsed document is rebuilt from the body when someone watches; the heap index belongs to this process.
  const { presentity, document: _document, expiryIndex: _expiryIndex, ...kept } = publication;
  // Presence rows carry no `event` (as before packages existed): the commonest row stays as small as it was.
  const data =
    presentity.event === 'presence' ? { ...kept, aor: presentity.aor } : { ...kept, aor: presentity.aor, event: presentity.event };
  return { id: publication.etag, aorKey: presentity.aor.key, expiresAt: publication.expiresAt, data };
}

function subscriptionRow(subscription: WatcherDialog): StateRow {
  const {
    flow,
    expiryIndex: _expiryIndex,
    isTerminated: _isTerminated,
    isNotifyInFlight: _isNotifyInFlight,
    hasQueuedState: _hasQueuedState,
    queuedTermination: _queuedTermination,
    listProgress: _listProgress,
    ...kept
  } = subscription;
  return {
    id: subscription.id,
    aorKey: subscription.aor.key,
    expiresAt: subscription.expiresAt,
    data: { ...kept, flow: { transport: flow.transport, address: flow.remoteAddress, port: flow.remotePort } },
  };
}

function bindingRow(binding: Binding): StateRow {
  const { expiryIndex: _expiryIndex, ...kept } = binding;
  return { id: bindingId(binding), aorKey: binding.aorKey, expiresAt: binding.expiresAt, data: kept };
}

function bindingId(binding: Pick<Binding, 'aorKey' | 'uri'>): string {
  return `${binding.aorKey}\n${binding.uri}`;
}

type Fields = Record<string, unknown>;

function restoredPublication(row: StateRow): RestoredPublication | null {
  const data = fieldsOf(row.data);
  if (data === null) return null;
  const aor = aorField(data.aor);
  // Whether the package and its content type are still served is the ESC's to decide when it restores.
  const event = data.event === undefined ? 'presence' : data.event;
  const contentType = data.contentType;
  if (
    aor === null ||
    typeof event !== 'string' ||
    typeof contentType !== 'string' ||
    typeof data.etag !== 'string' ||
    data.etag !== row.id ||
    typeof data.body !== 'string' ||
    !isNumber(data.receivedAt) ||
    !isNumber(data.expiresAt) ||
    !(data.thirdPartyPublisher === null || typeof data.thirdPartyPublisher === 'string')
  )
    return null;
  return {
    ...data,
    aor,
    event,
    etag: data.etag,
    body: data.body,
    contentType,
    receivedAt: data.receivedAt,
    expiresAt: data.expiresAt,
    thirdPartyPublisher: data.thirdPartyPublisher,
  };
}

function restoredSubscription(row: StateRow): RestoredSubscription | null {
  const data = fieldsOf(row.data);
  if (data === null) return null;
  const aor = aorField(data.aor);
  const flow = data.flow as Fields | null | undefined;
  const strings = ['id', 'watcherKey', 'callId', 'localTag', 'remoteTag', 'localParty', 'remoteParty', 'remoteTarget', 'event'] as const;
  if (aor === null || typeof flow !== 'object' || flow === null) return null;
  if (!strings.every((name) => typeof data[name] === 'string') || data.id !== row.id) return null;
  if (!Array.isArray(data.routeSet) || !data.routeSet.every((route) => typeof route === 'string')) return null;
  if (!isNumber(data.remoteCseq) || !isNumber(data.localCseq) || !isNumber(data.expiresAt)) return null;
  if (!(data.unverifiedBudgetBytes === null || isNumber(data.unverifiedBudgetBytes))) return null;
  // Dialogs saved before event packages existed were presence or winfo and counted no versions.
  const eventPackage = data.package === undefined ? 'presence' : data.package;
  if (typeof eventPackage !== 'string') return null;
  const bodyVersion = data.bodyVersion === undefined ? 0 : data.bodyVersion;
  if (!isNumber(bodyVersion)) return null;
  const contentType =
    eventPackage === 'presence' ? COMPOSED_CONTENT_TYPES.find((type) => type === data.contentType) : (data.contentType as unknown);
  if (typeof contentType !== 'string') return null;
  // A resource list subscription names its list and owner (RFC 4662); others none (rows from before lists: none).
  const listFields = data.list as Fields | null | undefined;
  const listOwner = listFields === null || listFields === undefined ? null : aorField(listFields.owner);
  const list =
    listFields === null || listFields === undefined
      ? null
      : typeof listFields.uri === 'string' && listOwner !== null
        ? { uri: listFields.uri, owner: listOwner }
        : undefined;
  if (list === undefined) return null;
  const transport = flow.transport;
  if (
    (transport !== 'udp' && transport !== 'tcp' && transport !== 'tls' && transport !== 'ws') ||
    typeof flow.address !== 'string' ||
    !isNumber(flow.port)
  )
    return null;
  return {
    ...(data as unknown as RestoredSubscription),
    aor,
    package: eventPackage,
    bodyVersion,
    list,
    contentType,
    flow: { transport, address: flow.address, port: flow.port },
  };
}

function restoredBinding(row: StateRow): RestoredBinding | null {
  const data = fieldsOf(row.data);
  if (data === null) return null;
  if (typeof data.aorKey !== 'string' || typeof data.uri !== 'string' || typeof data.callId !== 'string') return null;
  if (!isNumber(data.cseq) || !isNumber(data.expiresAt)) return null;
  const from = data.registeredFrom as Fields | null | undefined;
  const registeredFrom =
    from === null || from === undefined
      ? null
      : typeof from.address === 'string' && isNumber(from.port)
        ? { address: from.address, port: from.port }
        : undefined;
  if (registeredFrom === undefined) return null;
  return { ...data, aorKey: data.aorKey, uri: data.uri, callId: data.callId, cseq: data.cseq, expiresAt: data.expiresAt, registeredFrom };
}

/** A row's JSON as an object, or null when it is something else (a damaged row). */
function fieldsOf(value: unknown): Fields | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : null;
}

function aorField(value: unknown): Aor | null {
  const aor = value as Fields | null | undefined;
  if (typeof aor !== 'object' || aor === null) return null;
  const { key, uri, user, host } = aor;
  if (typeof key !== 'string' || typeof uri !== 'string' || typeof user !== 'string' || typeof host !== 'string') return null;
  return { key, uri, user, host };
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
