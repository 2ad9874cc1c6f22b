/**
 * Builds the renderer's `PresenceApi` from the contract tables over any message transport: Electron's
 * `ipcRenderer` in the preload, a Playwright binding in the browser test harness. Both therefore expose
 * exactly the same named methods, and a channel added to the contract appears in both.
 */
import {
  eventChannels,
  requestChannels,
  type Channel,
  type EventName,
  type IpcErrorCode,
  type IpcResult,
  type PresenceApi,
  type RequestName,
  type Unsubscribe,
} from './contract';

/** The two primitives a host must provide to carry the contract. */
export interface IpcTransport {
  /** Sends a request and resolves with main's envelope. */
  invoke(channel: Channel, payload: unknown): Promise<IpcResult<unknown>>;
  /** Attaches a listener for an event channel; returns its unsubscribe. */
  listen(channel: Channel, listener: (payload: unknown) => void): Unsubscribe;
}

/** A request main refused or could not carry out; `message` is written for the user. */
export class PresenceApiError extends Error {
  override readonly name = 'PresenceApiError';
  constructor(
    readonly code: IpcErrorCode,
    message: string,
    readonly channel: Channel,
  ) {
    super(message);
  }
}

/** Creates `window.presence` over `transport`. */
export function createPresenceApi(transport: IpcTransport): PresenceApi {
  const api: Record<string, unknown> = {};

  for (const name of Object.keys(requestChannels) as RequestName[]) {
    const { channel } = requestChannels[name];
    api[name] = async (payload?: unknown) => {
      const result = await transport.invoke(channel, payload);
      if (!result.ok) throw new PresenceApiError(result.error.code, result.error.message, channel);
      return result.value;
    };
  }

  for (const name of Object.keys(eventChannels) as EventName[]) {
    const { channel } = eventChannels[name];
    api[name] = (listener: (payload: unknown) => void): Unsubscribe => {
      if (typeof listener !== 'function') throw new TypeError(`${name} needs a listener function`);
      return transport.listen(channel, listener);
    };
  }

  return api as unknown as PresenceApi;
}
