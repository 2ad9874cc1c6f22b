/**
 * The presence document codec (PIDF RFC 3863, data model RFC 4479, RPID RFC 4480, CPIM-PIDF, XPIDF),
 * shared by the SIP engine (publisher and subscriber), the built-in compositor and the renderer's trace
 * pane. Pure TypeScript: no Node, Electron or React imports.
 *
 *   buildPidf(status, note, …) ─► our PUBLISH body
 *   parsePresenceBody(body, Content-Type) ─► PidfDocument | PidfError     (never throws)
 *   summarizePresence(document) ─► PresenceSummary                       (the buddy list's view)
 *   composePresenceDocuments(aor, publications) ─► the NOTIFY body        (the compositor)
 */
export { ACCEPTED_PRESENCE_TYPES, PRESENCE_ACCEPT_HEADER, parsePresenceContentType, type PresenceContentType } from './content-type';
export type {
  BasicStatus,
  LocalizedNote,
  ParsePresenceResult,
  PidfContact,
  PidfDevice,
  PidfDocument,
  PidfError,
  PidfErrorCode,
  PidfPerson,
  PidfTuple,
  PublishedDocument,
  XpidfStatus,
} from './model';
export { buildPidf, devicePersonId, MANUAL_CLASS, normalizeNote, PUBLISHED_STATUS, type BuildPidfInput } from './build';
export { DEFAULT_MAX_PRESENCE_BYTES, parsePresenceBody, type ParsePresenceOptions } from './parse';
export { pickNote, summarizePresence, type SummarizeOptions } from './summarize';
export { CLOSED_TUPLE_ID, composePresenceDocuments, type ComposeOptions } from './compose';
export { type SerializeDocumentOptions } from './serialize';
export * from './namespaces';
