/**
 * The exported pcap read by the real tshark (Debian's package; .ci/run installs it): every SIP message
 * of the trace is listed by `tshark -r file -Y sip`, in order, with the method / status and Call-ID we
 * wrote, over TCP, UDP and IPv6, and with the credentials masked.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePcap } from '../../../shared/trace/pcap';
import type { TraceEntry } from '../../../shared/trace/trace-entry';
import { sipRows, tsharkSip } from '../../support/trace/tshark';
import { AUTH_RESPONSE, presenceSession } from '../../unit/shared/trace/sip-fixtures';

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'presently-pcap-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pcap export read by tshark', () => {
  it('given a presence session over TCP, when written as pcap, then tshark lists the same SIP messages in order', async () => {
    const session = presenceSession();
    const file = path.join(dir, 'tcp.pcap');
    await writeFile(file, writePcap(session));
    const rows = await tsharkSip(file, ['sip.Method', 'sip.Status-Code', 'sip.Call-ID', 'sip.CSeq', 'tcp.srcport', 'tcp.dstport']);
    expect(rows.map(([method, status, callId, cseq]) => [method || status, callId, cseq])).toEqual(sipRows(session));
    // Real ports, the right way round.
    expect(rows[0]!.slice(4)).toEqual(['40000', '5060']);
    expect(rows[1]!.slice(4)).toEqual(['5060', '40000']);
  });

  it('given UDP and IPv6 entries, then tshark decodes those too', async () => {
    const session = presenceSession()
      .filter((e) => e.raw.trim() !== '')
      .map((e, i): TraceEntry =>
        i % 2 === 0
          ? { ...e, transport: 'udp' }
          : { ...e, transport: 'tls', local: { address: '::1', port: 40001 }, remote: { address: '::1', port: 5061 } },
      );
    const file = path.join(dir, 'mixed.pcap');
    await writeFile(file, writePcap(session));
    const rows = await tsharkSip(file, ['sip.Method', 'sip.Status-Code', 'sip.Call-ID', 'sip.CSeq', 'udp.srcport', 'ipv6.src']);
    expect(rows.map(([method, status, callId, cseq]) => [method || status, callId, cseq])).toEqual(sipRows(session));
    expect(rows[0]![4]).toBe('40000');
    expect(rows[1]![5]).toBe('::1');
  });

  it('given the default export, then the Authorization response is masked in what tshark reads', async () => {
    const file = path.join(dir, 'masked.pcap');
    await writeFile(file, writePcap(presenceSession()));
    const { stdout } = await run('tshark', ['-r', file, '-Y', 'sip.Method == "REGISTER"', '-V'], { maxBuffer: 64 * 1024 * 1024 });
    expect(stdout).toContain('Authorization: Digest username="alice"');
    expect(stdout).not.toContain(AUTH_RESPONSE);
  });
});
