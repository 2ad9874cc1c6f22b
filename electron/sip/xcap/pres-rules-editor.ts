/**
 * The user's presence authorisation rules (RFC 5025 pres-rules on RFC 4745 common-policy) kept on the server over
 * XCAP (RFC 4825): `{xcapRoot}/pres-rules/users/{our AOR}/index`, read and written whole.
 *
 * A change is a read-modify-write (RFC 4825 §7.11): GET the document (404: none yet, so everyone is asked), set one
 * watcher's handling in the model (shared/pres-rules), PUT it back with If-Match on the entity tag read — so a change
 * made meanwhile by another device is never overwritten: its 412 makes us read again and apply ours to it, once.
 * A document we cannot read is left exactly as it is, and the user is told why.
 */
import {
  buildPresRules,
  parsePresRules,
  PRES_RULES_AUID,
  PRES_RULES_CONTENT_TYPE,
  withWatcherHandling,
  type PresRules,
  type SubHandling,
} from '../../../shared/pres-rules';
import { userDocumentPath, XcapError, type XcapClient } from './xcap-client';

/** RFC 5025 §9.1 names the user's document `index`. */
const PRES_RULES_DOCUMENT = 'index';

/** The rules before the user wrote any: ask about every watcher (RFC 5025 §3.2.1 `confirm`). */
export const NO_RULES: PresRules = { defaultHandling: 'confirm', byWatcher: new Map() };

/** Reads and changes one user's pres-rules document. */
export class PresRulesEditor {
  private readonly path: string;

  constructor(
    private readonly client: XcapClient,
    ownerAor: string,
  ) {
    this.path = userDocumentPath(PRES_RULES_AUID, ownerAor, PRES_RULES_DOCUMENT);
  }

  /** The rules as the server has them (NO_RULES when there is no document). @throws XcapError */
  async read(): Promise<PresRules> {
    return (await this.readWithTag()).rules;
  }

  /**
   * Sets one watcher's handling (null: back to the default) and writes the document; resolves with the rules as
   * written. @throws XcapError
   */
  async setHandling(watcherUri: string, handling: SubHandling | null): Promise<PresRules> {
    for (let attempt = 0; ; attempt += 1) {
      const current = await this.readWithTag();
      const next = withWatcherHandling(current.rules, watcherUri, handling);
      try {
        await this.client.put(this.path, buildPresRules(next), PRES_RULES_CONTENT_TYPE, current.etag);
        return next;
      } catch (error) {
        // RFC 4825 §7.11: 412, the document changed since we read it; read it again and apply the change to that.
        if (!(error instanceof XcapError) || error.statusCode !== 412 || attempt > 0) throw error;
      }
    }
  }

  private async readWithTag(): Promise<{ readonly rules: PresRules; readonly etag?: string }> {
    const read = await this.client.get(this.path);
    if (read.kind === 'none') return { rules: NO_RULES };
    const parsed = parsePresRules(read.body);
    if (!parsed.ok) {
      throw new XcapError(
        `The presence server's rules of who may see you could not be read (${parsed.reason}); Presently leaves them as they are.`,
      );
    }
    return { rules: parsed.rules, ...(read.etag === undefined ? {} : { etag: read.etag }) };
  }
}
