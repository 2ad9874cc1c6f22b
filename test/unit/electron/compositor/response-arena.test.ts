import { describe, expect, it } from 'vitest';
import { ResponseArena } from '../../../../electron/compositor/transaction/response-arena';
import { ServerTransactionTable, PENDING_RESPONSE } from '../../../../electron/compositor/transaction/server-transactions';

describe('ResponseArena', () => {
  it('given stored responses, when read back, then the exact bytes come out (UTF-8 included)', () => {
    const arena = new ResponseArena();
    const a = arena.store('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n', 0);
    const b = arena.store('SIP/2.0 400 Bad Request (Ungültig)\r\n\r\n', 0);
    expect(arena.read(a)?.toString('utf8')).toBe('SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n');
    expect(arena.read(b)?.toString('utf8')).toBe('SIP/2.0 400 Bad Request (Ungültig)\r\n\r\n');
  });

  it('given more than one chunk of responses, when old chunks are released, then only the recent ones remain readable', () => {
    const arena = new ResponseArena();
    const response = 'x'.repeat(60_000);
    const early = Array.from({ length: 80 }, () => arena.store(response, 1000)); // > 4 MiB: spills into a second chunk
    const late = arena.store('recent', 5000);
    expect(arena.read(early[0] as number)?.length).toBe(60_000);
    arena.releaseWrittenBefore(2000);
    expect(arena.read(early[0] as number)).toBeNull();
    expect(arena.read(late)?.toString()).toBe('recent');
  });

  it('given a response over 64 KiB, when stored, then it is refused (the table keeps such strings itself)', () => {
    expect(new ResponseArena().store('y'.repeat(70_000), 0)).toBe(-1);
  });
});

describe('ServerTransactionTable', () => {
  it('given a pending, a completed and a huge response, when recorded and looked up, then each comes back as sent until Timer J', () => {
    let now = 0;
    const table = new ServerTransactionTable(32_000, () => now);
    table.markPending('p');
    expect(table.complete('c', 'SIP/2.0 200 OK\r\n\r\n').toString()).toBe('SIP/2.0 200 OK\r\n\r\n');
    expect(table.complete('h', 'z'.repeat(70_000))).toBe('z'.repeat(70_000));
    expect(table.responseFor('p')).toBe(PENDING_RESPONSE);
    expect(table.responseFor('c')?.toString()).toBe('SIP/2.0 200 OK\r\n\r\n');
    expect(table.responseFor('h')?.length).toBe(70_000);
    table.complete('p', 'SIP/2.0 202 Later\r\n\r\n');
    expect(table.responseFor('p')?.toString()).toBe('SIP/2.0 202 Later\r\n\r\n');
    now = 32_001;
    table.sweep();
    expect([table.responseFor('p'), table.responseFor('c'), table.responseFor('h'), table.size]).toEqual([
      undefined,
      undefined,
      undefined,
      0,
    ]);
    table.dispose();
  });
});
