import { describe, expect, it } from 'vitest';
import { batchedLines } from '../../../../electron/cli/compositor-command';

describe('batchedLines (the compositor command’s request log)', () => {
  it('given lines written in one turn, when the turn ends, then they go out in one write, in order', async () => {
    const writes: string[] = [];
    const out = batchedLines((text) => writes.push(text));
    out.write('PUBLISH sip:a@example.com → 200 OK');
    out.write('PUBLISH sip:b@example.com → 200 OK');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual(['PUBLISH sip:a@example.com → 200 OK\nPUBLISH sip:b@example.com → 200 OK\n']);
  });

  it('given a line still waiting, when flushed (an error follows, or the command ends), then it is written at once and only once', async () => {
    const writes: string[] = [];
    const out = batchedLines((text) => writes.push(text));
    out.write('listening on udp');
    out.flush();
    expect(writes).toEqual(['listening on udp\n']);
    await new Promise((resolve) => setImmediate(resolve));
    out.flush();
    expect(writes).toEqual(['listening on udp\n']);
  });
});
