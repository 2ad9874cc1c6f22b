/**
 * The real tshark (Debian's package; .ci/run installs it) reading a capture file, for the tests of our
 * pcap and pcapng writers: one row of fields per SIP message it decodes.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TraceEntry } from '../../../shared/trace/trace-entry';
import { summarizeSipMessage } from '../../../shared/trace/trace-summary';

const run = promisify(execFile);

/** `tshark -r file -Y sip` with the fields asked for, one row per SIP packet. */
export async function tsharkSip(file: string, fields: readonly string[], extraArgs: readonly string[] = []): Promise<string[][]> {
  const { stdout } = await run(
    'tshark',
    ['-r', file, ...extraArgs, '-Y', 'sip', '-T', 'fields', '-E', 'separator=|', ...fields.flatMap((f) => ['-e', f])],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('|'));
}

/** Method (or status code), Call-ID and CSeq of each SIP message among `entries`, as tshark shows them. */
export function sipRows(entries: readonly TraceEntry[]): string[][] {
  return entries
    .map((e) => summarizeSipMessage(e.raw))
    .filter((s) => s.kind === 'request' || s.kind === 'response')
    .map((s) => [s.kind === 'request' ? s.method : String(s.statusCode), s.callId, s.cseq]);
}
