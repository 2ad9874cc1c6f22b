import { describe, expect, it } from 'vitest';
import { eventChannels, requestChannels, type Channel, type IpcResult } from '../../../../shared/ipc/contract';
import { createPresenceApi, PresenceApiError } from '../../../../shared/ipc/create-presence-api';

describe('createPresenceApi', () => {
  const calls: [Channel, unknown][] = [];
  const listeners = new Map<Channel, (payload: unknown) => void>();
  const api = createPresenceApi({
    invoke: async (channel, payload): Promise<IpcResult<unknown>> => {
      calls.push([channel, payload]);
      return channel === 'app:get-info'
        ? { ok: true, value: { name: 'Presently' } }
        : { ok: false, error: { code: 'failed', message: 'Nope, and here is why.' } };
    },
    listen: (channel, listener) => {
      listeners.set(channel, listener);
      return () => listeners.delete(channel);
    },
  });

  it('has one method per request and per event of the contract, and nothing else', () => {
    expect(Object.keys(api).sort()).toEqual([...Object.keys(requestChannels), ...Object.keys(eventChannels)].sort());
  });

  it('unwraps a successful envelope', async () => {
    await expect(api.getAppInfo()).resolves.toEqual({ name: 'Presently' });
    expect(calls.at(-1)).toEqual(['app:get-info', undefined]);
  });

  it('throws a PresenceApiError carrying the code and the user-facing message', async () => {
    const error = await api.rendererReady().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PresenceApiError);
    expect(error).toMatchObject({ code: 'failed', message: 'Nope, and here is why.', channel: 'app:renderer-ready' });
  });

  it('attaches listeners on the event channel and detaches them', () => {
    const received: unknown[] = [];
    const unsubscribe = api.onNotice((notice) => received.push(notice));
    listeners.get('app:notice')?.({ level: 'info', text: 'hi', at: 0 });
    expect(received).toEqual([{ level: 'info', text: 'hi', at: 0 }]);
    unsubscribe();
    expect(listeners.has('app:notice')).toBe(false);
  });
});
