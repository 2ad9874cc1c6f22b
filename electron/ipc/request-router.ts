/**
 * The main-side end of every request: looks up the contract entry for a channel, validates the
 * renderer's payload, calls the handler and wraps the outcome in an `IpcResult` envelope.
 *
 * Host-neutral and Node-only: the Electron shell feeds it from `ipcMain.handle` after its sender check,
 * the browser test harness from a Playwright binding. Neither can skip validation, because it lives here.
 */
import {
  requestChannels,
  type Channel,
  type IpcResult,
  type RequestName,
  type RequestPayload,
  type RequestResult,
} from '../../shared/ipc/contract';
import { UserFacingError } from './user-facing-error';

/** One handler per request of the contract; a missing handler is a compile error. */
export type RequestHandlers = {
  readonly [M in RequestName]: (payload: RequestPayload<M>) => RequestResult<M> | Promise<RequestResult<M>>;
};

/** Logs what the user should not see: unexpected failures with their stacks. */
export type ErrorLogger = (message: string, error: unknown) => void;

/** Dispatches requests arriving on any channel of the contract. */
export interface RequestRouter {
  /** Every request channel, for hosts that register channels one by one. */
  readonly channels: readonly Channel[];
  handle(channel: string, payload: unknown): Promise<IpcResult<unknown>>;
}

/** A router that answers every request channel of the contract with `handlers`, logging unexpected failures. */
export function createRequestRouter(handlers: RequestHandlers, logError: ErrorLogger): RequestRouter {
  const byChannel = new Map<string, { name: RequestName; handler: (payload: unknown) => unknown }>();
  for (const name of Object.keys(requestChannels) as RequestName[]) {
    byChannel.set(requestChannels[name].channel, {
      name,
      handler: handlers[name] as (payload: unknown) => unknown,
    });
  }

  return {
    channels: [...byChannel.keys()] as Channel[],
    async handle(channel, payload) {
      const entry = byChannel.get(channel);
      if (!entry) return { ok: false, error: { code: 'unknown-channel', message: `No such request: ${channel}` } };

      const checked = requestChannels[entry.name].payload.validate(payload, entry.name);
      if (!checked.ok) return { ok: false, error: { code: 'invalid-payload', message: checked.error } };

      try {
        return { ok: true, value: await entry.handler(checked.value) };
      } catch (error) {
        if (error instanceof UserFacingError) return { ok: false, error: { code: 'failed', message: error.message } };
        logError(`request ${channel} failed`, error);
        return { ok: false, error: { code: 'internal', message: 'Something went wrong inside Presently; see the log.' } };
      }
    },
  };
}
