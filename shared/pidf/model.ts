/**
 * The typed presence model every presence format is read into: RFC 3863 PIDF (and its CPIM-era twin),
 * the RFC 4479 data model (`person`, `device`), RFC 4480 RPID, Linphone's `pidfonline`, and XPIDF.
 * Plain data only (it crosses IPC to the renderer); no behaviour.
 */
import type { LocalizedNote } from '../presence/presence-state';
import type { PresenceContentType } from './content-type';

export type { LocalizedNote };

/** RFC 3863 §4.1.4 `<basic>`: open (reachable for the service) or closed; null when absent or unknown. */
export type BasicStatus = 'open' | 'closed';

/** RFC 3863 §4.1.5 `<contact>` with its optional `priority` (0 to 1, higher preferred). */
export interface PidfContact {
  readonly uri: string;
  readonly priority?: number;
}

/** The status of an XPIDF `<address>`: `<status status="…"/>` and Microsoft's `<msnsubstatus substatus="…"/>`. */
export interface XpidfStatus {
  /** `open`, `closed`, `inuse` or `inactive` as sent (lower-cased). */
  readonly status: string;
  /** `online`, `busy`, `berightback`, `away`, `onthephone`, `outtolunch`, `idle`, `offline`, … or null. */
  readonly substatus: string | null;
}

/** RFC 3863 §4.1.2 `<tuple>`: one service/device of the presentity. For XPIDF, one `<atom>`'s `<address>`. */
export interface PidfTuple {
  readonly id: string;
  readonly basic: BasicStatus | null;
  readonly contact: PidfContact | null;
  /** `<note>` children of the tuple (and of its `<status>`, where some servers put them). */
  readonly notes: readonly LocalizedNote[];
  /** RFC 3863 §4.1.7 `<timestamp>` text as sent (xs:dateTime), or null. */
  readonly timestamp: string | null;
  /** RFC 4479 `<dm:deviceID>` (links the tuple to a `<dm:device>`), or null. */
  readonly deviceId: string | null;
  /** Linphone's `<pidfonline:online/>` in the status: the app is running on that device. */
  readonly isOnline: boolean;
  /**
   * The CPIM-era `<im:im>` word inside the status (draft-ietf-impp-cpim-pidf, RFC 3863 §6's example):
   * `busy`, `away`, `on-the-phone`, `berightback`, … as sent (lower-cased), or null.
   */
  readonly imStatus: string | null;
  /** RPID activities found inside the tuple (RPID drafts and some clients put them there), as in PidfPerson. */
  readonly activities: readonly string[];
  /** RFC 4480 `<rpid:class>` of the tuple (a label the publisher gives the service), or null. */
  readonly class: string | null;
  /** RFC 4480 `<rpid:user-input>`: `active` or `idle`, or null. */
  readonly userInput: 'active' | 'idle' | null;
  /** For XPIDF documents: the address's status words; null for PIDF. */
  readonly xpidf: XpidfStatus | null;
}

/** RFC 4479 §3.2 `<dm:person>`, with its RFC 4480 elements. */
export interface PidfPerson {
  /** The `id` attribute ('' where a legacy document gives none). */
  readonly id: string;
  /**
   * RFC 4480 activities by element name (`away`, `busy`, `on-the-phone`, `meeting`,
   * `permanent-absence`, `vacation`, `unknown`, …). `<rpid:other>` keeps its text: `other:dnd`
   * (or just `other` when empty).
   */
  readonly activities: readonly string[];
  /** The activities' `until` attribute as sent (RFC 4480 §3.1, xs:dateTime: when they are expected to end); absent when none. */
  readonly until?: string;
  /** `<dm:note>` children, then `<rpid:note>` inside the activities, then PIDF or `<rpid:note>` notes straight under the person (legacy). */
  readonly notes: readonly LocalizedNote[];
  /** `<dm:timestamp>` text as sent, or null. */
  readonly timestamp: string | null;
  /** RFC 4480 `<rpid:class>`, or null. */
  readonly class: string | null;
  /** RFC 4480 `<rpid:place-type>`: the location type's element name (`home`, `office`, …) or `other:text`. */
  readonly placeType: string | null;
  /** RFC 4480 `<rpid:mood>`: mood names (`happy`, `sad`, …), `other:text` kept as for activities. */
  readonly mood: readonly string[];
  /** RFC 4480 `<rpid:user-input>`: `active` or `idle`, or null. */
  readonly userInput: 'active' | 'idle' | null;
}

/** RFC 4479 §3.4 `<dm:device>`. */
export interface PidfDevice {
  readonly id: string;
  /** `<dm:deviceID>` (a URN such as `urn:uuid:…` or `mac:…`), or null. */
  readonly deviceId: string | null;
  readonly notes: readonly LocalizedNote[];
  readonly timestamp: string | null;
}

/** One presence document, whatever its format. */
export interface PidfDocument {
  /** The presentity: `entity` (PIDF) or the `<presentity uri>` (XPIDF), e.g. `sip:alice@example.com`. */
  readonly entity: string;
  /** The format the document turned out to be (by its root element's namespace, not only the header). */
  readonly contentType: PresenceContentType;
  readonly tuples: readonly PidfTuple[];
  readonly persons: readonly PidfPerson[];
  readonly devices: readonly PidfDevice[];
  /** `<note>` children of `<presence>` itself (Asterisk puts its "Ready"/"On the phone" here). */
  readonly notes: readonly LocalizedNote[];
}

/** Why a presence body was refused. `message` is one sentence, fit for a SIP 400 reason phrase. */
export interface PidfError {
  readonly code: 'too-large' | 'forbidden-dtd' | 'malformed-xml' | 'not-presence' | 'unsupported-type' | 'invalid';
  readonly message: string;
}

export type PidfErrorCode = PidfError['code'];

export type ParsePresenceResult =
  { readonly ok: true; readonly document: PidfDocument } | { readonly ok: false; readonly error: PidfError };

/** A live publication as the compositor holds it (RFC 3903 §6): the body as received and its parsed form. */
export interface PublishedDocument {
  readonly body: string;
  readonly document: PidfDocument;
  /** When the compositor accepted it (ms since the epoch): the newer publication wins a tuple id clash. */
  readonly receivedAt: number;
}
