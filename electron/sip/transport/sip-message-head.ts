/**
 * Reads the few fields the transport layer needs from a raw SIP message without a full parse: the start
 * line, the top Via's branch (RFC 3261 §17.1.3 and §17.2.3 match transactions by branch and CSeq
 * method), CSeq and Call-ID. The header section is read by the shared lenient reader, so compact names
 * (§7.3.3), folded lines (§7.3.1) and bare-LF line ends are handled as everywhere else.
 */
import { forEachHeaderField, startLineOf } from '../../../shared/sip/header-section';
import { commaValueEnd, parseCSeq, parseVia } from '../../../shared/sip/header-values';
import { readStartLine } from '../../../shared/sip/start-line';

/** What the reliability layer matches transactions by. */
export interface SipMessageHead {
  readonly kind: 'request' | 'response';
  /** Request method, or the CSeq method of a response (upper case). */
  readonly method: string;
  /** Status code of a response; 0 for requests. */
  readonly statusCode: number;
  /** Branch parameter of the top Via, or null. */
  readonly branch: string | null;
  readonly cseq: number | null;
  readonly callId: string | null;
}

/** The head of a SIP message, or null when its first line is neither a request line nor a status line. */
export function readMessageHead(text: string): SipMessageHead | null {
  const startLine = readStartLine(startLineOf(text).trim());
  if (startLine === null) return null;
  let topVia: string | null = null;
  let cseqValue: string | null = null;
  let callId: string | null = null;
  forEachHeaderField(text, (key, value) => {
    if (key === 'via' && topVia === null) topVia = value.slice(0, commaValueEnd(value));
    else if (key === 'cseq' && cseqValue === null) cseqValue = value;
    else if (key === 'call-id' && callId === null) callId = value;
    return topVia === null || cseqValue === null || callId === null;
  });
  const branch = topVia === null ? null : (parseVia(topVia)?.branch ?? null);
  const cseq = cseqValue === null ? null : parseCSeq(cseqValue);
  if (startLine.kind === 'response') {
    return {
      kind: 'response',
      method: cseq?.method.toUpperCase() ?? '',
      statusCode: startLine.status,
      branch,
      cseq: cseq?.seq ?? null,
      callId,
    };
  }
  return { kind: 'request', method: startLine.method.toUpperCase(), statusCode: 0, branch, cseq: cseq?.seq ?? null, callId };
}
