import { describe, expect, it } from 'vitest';
import { PcapngWriter } from '../../../../shared/trace/pcapng-writer';
import type { TraceEntry } from '../../../../shared/trace/trace-entry';
import { presenceSession } from './sip-fixtures';

interface Block {
  readonly type: number;
  readonly body: DataView;
}

/** Splits a pcapng file into blocks, checking each one's framing (both lengths equal, 32-bit aligned). */
function blocksOf(file: Uint8Array): Block[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: Block[] = [];
  for (let offset = 0; offset < file.length;) {
    const type = view.getUint32(offset, true);
    const length = view.getUint32(offset + 4, true);
    expect(length % 4, `block at ${offset} is 32-bit aligned`).toBe(0);
    expect(view.getUint32(offset + length - 4, true), `block at ${offset} repeats its length`).toBe(length);
    out.push({ type, body: new DataView(file.buffer, file.byteOffset + offset + 8, length - 12) });
    offset += length;
  }
  return out;
}

const write = (entries: readonly TraceEntry[]) => {
  const writer = new PcapngWriter('Presently test');
  return Buffer.concat([writer.fileHeader(), ...entries.map((e) => writer.blocks(e))]);
};

describe('pcapng writer', () => {
  it('given a session, then the file is a section header, one raw-IP interface and one enhanced packet per message, with microsecond times', () => {
    const session = presenceSession();
    const blocks = blocksOf(write(session));
    expect(blocks.map((b) => b.type)).toEqual([0x0a0d0d0a, 1, ...session.map(() => 6)]);
    expect(blocks[0]!.body.getUint32(0, true)).toBe(0x1a2b3c4d);
    expect([blocks[0]!.body.getUint16(4, true), blocks[0]!.body.getUint16(6, true)]).toEqual([1, 0]);
    expect(blocks[1]!.body.getUint16(0, true)).toBe(101);
    const first = blocks[2]!.body;
    const micros = first.getUint32(4, true) * 2 ** 32 + first.getUint32(8, true);
    expect(micros).toBe(Math.round(session[0]!.at * 1000));
  });

  it('given a WSS message, then its packet carries a comment naming the transport; a TCP one carries none', () => {
    const [entry] = presenceSession();
    const text = (entries: TraceEntry[]) => write(entries).toString('latin1');
    expect(text([{ ...entry!, transport: 'wss' }])).toContain('SIP over WSS, shown as TCP payload as the app saw it');
    expect(text([{ ...entry!, transport: 'tcp' }])).not.toContain('SIP over');
  });
});
