/**
 * Reads the few fields the transport layer needs from a raw SIP message without a full parse: the start
 * line, the top Via's branch (RFC 3261 §17.1.3 and §17.2.3 match transactions by branch and CSeq
 * method), CSeq and Call-ID. Handles compact header names (RFC 3261 §7.3.3) and folded lines (§7.3.1).
 */

export interface SipMessageHead {
  readonly kind: 'request' | 'response';
  /** Request method, or the CSeq method of a response. */
  readonly method: string;
  /** Status code of a response; 0 for requests. */
  readonly statusCode: number;
  /** Branch parameter of the top Via, or null. */
  readonly branch: string | null;
  readonly cseq: number | null;
  readonly callId: string | null;
  /** The header section, unfolded, one header per line (start line excluded). */
  readonly headerLines: readonly string[];
}

const COMPACT: Readonly<Record<string, string>> = { v: 'via', i: 'call-id', l: 'content-length', f: 'from', t: 'to', m: 'contact' };

/** The canonical lower-case name of a header line's field, compact forms expanded. */
export function headerName(line: string): string {
  const colon = line.indexOf(':');
  const name = (colon === -1 ? line : line.slice(0, colon)).trim().toLowerCase();
  return COMPACT[name] ?? name;
}

/** The value part of a header line. */
export function headerValue(line: string): string {
  const colon = line.indexOf(':');
  return colon === -1 ? '' : line.slice(colon + 1).trim();
}

/** Splits a message into its start line, unfolded header lines and body. */
export function splitMessage(text: string): { startLine: string; headerLines: string[]; body: string } | null {
  const end = text.indexOf('\r\n\r\n');
  const headerPart = end === -1 ? text : text.slice(0, end);
  const body = end === -1 ? '' : text.slice(end + 4);
  const rawLines = headerPart.split('\r\n');
  const startLine = rawLines.shift();
  if (startLine === undefined || startLine === '') return null;
  const headerLines: string[] = [];
  for (const line of rawLines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && headerLines.length > 0) {
      headerLines[headerLines.length - 1] += ` ${line.trim()}`;
    } else if (line !== '') {
      headerLines.push(line);
    }
  }
  return { startLine, headerLines, body };
}

export function readMessageHead(text: string): SipMessageHead | null {
  const parts = splitMessage(text);
  if (!parts) return null;
  const { startLine, headerLines } = parts;
  const response = /^SIP\/2\.0\s+(\d{3})\b/i.exec(startLine);
  const request = response ? null : /^([A-Za-z]+)\s+\S+\s+SIP\/2\.0$/i.exec(startLine.trim());
  if (!response && !request) return null;

  let branch: string | null = null;
  let cseq: number | null = null;
  let cseqMethod: string | null = null;
  let callId: string | null = null;
  let sawVia = false;
  for (const line of headerLines) {
    const name = headerName(line);
    if (name === 'via' && !sawVia) {
      sawVia = true;
      const topVia = headerValue(line).split(',')[0] ?? '';
      const match = /;\s*branch\s*=\s*([^;\s,]+)/i.exec(topVia);
      branch = match?.[1] ?? null;
    } else if (name === 'cseq' && cseq === null) {
      const match = /^(\d+)\s+([A-Za-z]+)/.exec(headerValue(line));
      if (match) {
        cseq = Number(match[1]);
        cseqMethod = (match[2] ?? '').toUpperCase();
      }
    } else if (name === 'call-id' && callId === null) {
      callId = headerValue(line);
    }
  }
  if (response) {
    return { kind: 'response', method: cseqMethod ?? '', statusCode: Number(response[1]), branch, cseq, callId, headerLines };
  }
  return { kind: 'request', method: (request?.[1] ?? '').toUpperCase(), statusCode: 0, branch, cseq, callId, headerLines };
}
