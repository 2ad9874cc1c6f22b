/**
 * SIP header names in one canonical form — lower case, long form — so that `i`, `Call-ID` and `call-id`
 * are the same header. RFC 3261 §7.3.3 compact forms, plus RFC 3265/6665 `o` (Event) and `u`
 * (Allow-Events), RFC 3515 `r` (Refer-To), RFC 3892 `b` (Referred-By), RFC 4028 `x` (Session-Expires)
 * and RFC 4474 `y` (Identity). Used by the compositor's parser and the trace pane's summaries.
 */
const COMPACT_FORMS: Readonly<Record<string, string>> = {
  i: 'call-id',
  m: 'contact',
  e: 'content-encoding',
  l: 'content-length',
  c: 'content-type',
  f: 'from',
  s: 'subject',
  k: 'supported',
  t: 'to',
  v: 'via',
  o: 'event',
  u: 'allow-events',
  r: 'refer-to',
  b: 'referred-by',
  x: 'session-expires',
  y: 'identity',
};

/** The lower-case long form of a header name as written on the wire (`I` → `call-id`, `CSeq` → `cseq`). */
export function canonicalHeaderName(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.length === 1 ? (COMPACT_FORMS[lower] ?? lower) : lower;
}
