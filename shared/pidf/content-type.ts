/**
 * The presence body formats Presently reads, and reading them out of a `Content-Type` header.
 *
 * - `application/pidf+xml` — RFC 3863 PIDF, the mandatory format of the presence package (RFC 3856).
 * - `application/cpim-pidf+xml` — the same schema in the CPIM-era namespace, sent by older servers
 *   (and used throughout draft-olson-simple-publish, the seed of RFC 3903).
 * - `application/xpidf+xml` — the pre-standard XPIDF of Microsoft, Cisco and Polycom phones and of
 *   Asterisk's `xpidf` body generator.
 */

export type PresenceContentType = 'application/pidf+xml' | 'application/cpim-pidf+xml' | 'application/xpidf+xml';

/** In order of preference, for an `Accept` header (RFC 3261 §20.1; RFC 3856 requires PIDF). */
export const ACCEPTED_PRESENCE_TYPES: readonly PresenceContentType[] = [
  'application/pidf+xml',
  'application/cpim-pidf+xml',
  'application/xpidf+xml',
];

/** `application/pidf+xml, application/cpim-pidf+xml, application/xpidf+xml` — ready for an `Accept` header. */
export const PRESENCE_ACCEPT_HEADER = ACCEPTED_PRESENCE_TYPES.join(', ');

/**
 * Reads a `Content-Type` header value (RFC 3261 §20.15: `type/subtype *(;param)`, case-insensitive,
 * optional whitespace) into one of the presence types, or null when it names anything else.
 *
 *   parsePresenceContentType('Application/PIDF+XML; charset="UTF-8"') === 'application/pidf+xml'
 */
export function parsePresenceContentType(value: string | null | undefined): PresenceContentType | null {
  if (typeof value !== 'string') return null;
  const semicolon = value.indexOf(';');
  const mediaType = (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  return (ACCEPTED_PRESENCE_TYPES as readonly string[]).includes(mediaType) ? (mediaType as PresenceContentType) : null;
}
