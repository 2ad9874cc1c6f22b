/**
 * Keeps the server's copy of the buddy list in step with the app's: the user's rls-services document (RFC 4826 §4)
 * over XCAP (RFC 4825), `{xcapRoot}/rls-services/users/{our AOR}/index`, in which our presence list URI is one
 * `<service>` whose `<list>` holds the buddies inline. A resource list server (Kamailio's rls, the compositor) expands
 * the list URI from it, and — Kamailio's `rls_update_subs` — sends the list subscription a new full state.
 *
 * A write is a read-modify-write (RFC 4825 §7.11): GET the document (404: none yet), replace only our service (others
 * the user keeps stay as they are), PUT it with If-Match on the entity tag read; a 412 (changed meanwhile) reads again
 * once. A document we cannot read is left as it is, and the caller is told why.
 */
import {
  buildRlsServices,
  parseRlsServices,
  RLS_SERVICES_AUID,
  RLS_SERVICES_CONTENT_TYPE,
  type RlsService,
} from '../../../shared/resource-lists';
import { parseSipAddress } from '../../../shared/account/sip-address';
import { userDocumentPath, XcapError, type XcapClient } from './xcap-client';

/** RFC 4826 §4.4.7 names the user's document `index`. */
const RLS_SERVICES_DOCUMENT = 'index';

/** One buddy as the list names it. */
export interface ListEntry {
  readonly uri: string;
  readonly displayName?: string;
}

/** Writes one list service of one user. */
export class ListServiceWriter {
  private readonly path: string;

  constructor(
    private readonly client: XcapClient,
    ownerAor: string,
    private readonly listUri: string,
  ) {
    this.path = userDocumentPath(RLS_SERVICES_AUID, ownerAor, RLS_SERVICES_DOCUMENT);
  }

  /** Makes the service's list exactly `entries` (in this order). @throws XcapError */
  async write(entries: readonly ListEntry[]): Promise<void> {
    const ours: RlsService = {
      uri: this.listUri,
      source: {
        kind: 'list',
        list: {
          name: 'buddies',
          items: entries.map((entry) => ({
            kind: 'entry',
            uri: entry.uri,
            ...(entry.displayName ? { displayName: entry.displayName } : {}),
          })),
        },
      },
      packages: ['presence'],
    };
    for (let attempt = 0; ; attempt += 1) {
      const read = await this.client.get(this.path);
      let others: RlsService[] = [];
      if (read.kind === 'found') {
        const parsed = parseRlsServices(read.body);
        if (!parsed.ok) {
          throw new XcapError(`Your buddy lists on the server could not be read (${parsed.message}); Presently leaves them as they are.`);
        }
        others = parsed.document.services.filter((service) => service.uri !== this.listUri);
      }
      try {
        await this.client.put(
          this.path,
          buildRlsServices({ services: [...others, ours] }),
          RLS_SERVICES_CONTENT_TYPE,
          read.kind === 'found' ? read.etag : undefined,
        );
        return;
      } catch (error) {
        if (!(error instanceof XcapError) || error.statusCode !== 412 || attempt > 0) throw error;
      }
    }
  }
}

/**
 * The presence list URI the server announces for a user, for an account that names none (RFC 4826 §4): the first
 * service of the user's rls-services document that offers presence (no `<packages>` means every package). Null when
 * the document is missing, unreadable or offers no presence list with a usable SIP URI — the account then watches each
 * buddy on its own.
 * The compositor makes this document for every user; on Kamailio it is there once someone has written it.
 * @throws XcapError when the XCAP server cannot be reached or refuses
 */
export async function findPresenceListUri(client: XcapClient, ownerAor: string): Promise<string | null> {
  const read = await client.get(userDocumentPath(RLS_SERVICES_AUID, ownerAor, RLS_SERVICES_DOCUMENT));
  if (read.kind !== 'found') return null;
  const parsed = parseRlsServices(read.body);
  if (!parsed.ok) return null;
  const own = parseSipAddress(ownerAor);
  // A service whose URI is no SIP address, or is the user's own, is not a list the account could subscribe to.
  for (const service of parsed.document.services) {
    if (service.packages.length > 0 && !service.packages.includes('presence')) continue;
    const list = parseSipAddress(service.uri);
    if (list.ok && !(own.ok && list.value.uri === own.value.uri)) return list.value.uri;
  }
  return null;
}
