import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requestChannels } from '../../../../shared/ipc/contract';
import { createRequestHandlers } from '../../../../electron/service/request-handlers';
import { createRequestRouter, type RequestHandlers } from '../../../../electron/ipc/request-router';
import { UserFacingError } from '../../../../electron/ipc/user-facing-error';
import { nodeHostInfo, PresenceService } from '../../../../electron/service/presence-service';

// The service touches its data folder only when started; these tests never start it.
const newService = () => new PresenceService({ host: nodeHostInfo(), dataDir: path.join(tmpdir(), 'presently-never-written') });
const snapshot = newService().rendererReady();

function routerWith(overrides: Partial<RequestHandlers>, log: unknown[] = []) {
  const base = createRequestHandlers(newService());
  return createRequestRouter({ ...base, ...overrides }, (message, error) => log.push([message, error]));
}

describe('request router', () => {
  it('registers exactly the channels of the contract', () => {
    const router = routerWith({});
    expect([...router.channels].sort()).toEqual(
      Object.values(requestChannels)
        .map((r) => r.channel)
        .sort(),
    );
  });

  it('answers a valid request with the handler result', async () => {
    const router = routerWith({ rendererReady: () => snapshot });
    expect(await router.handle('app:renderer-ready', undefined)).toEqual({ ok: true, value: snapshot });
  });

  it('refuses an invalid payload without calling the handler', async () => {
    let called = false;
    const router = routerWith({
      getAppInfo: () => {
        called = true;
        return snapshot.info;
      },
    });
    const result = await router.handle('app:get-info', 'surprise');
    expect(result).toEqual({
      ok: false,
      error: { code: 'invalid-payload', message: 'getAppInfo: expected no payload, got "surprise"' },
    });
    expect(called).toBe(false);
  });

  it('refuses a channel the contract does not name', async () => {
    expect(await routerWith({}).handle('shell:exec', 'rm -rf /')).toEqual({
      ok: false,
      error: { code: 'unknown-channel', message: 'No such request: shell:exec' },
    });
  });

  it('passes a user-facing error through and hides an unexpected one, logging it', async () => {
    const log: unknown[] = [];
    const router = routerWith(
      {
        getAppInfo: () => {
          throw new UserFacingError('The settings file is locked by another program.');
        },
        rendererReady: () => {
          throw new Error('secret internal detail');
        },
      },
      log,
    );
    expect(await router.handle('app:get-info', undefined)).toEqual({
      ok: false,
      error: { code: 'failed', message: 'The settings file is locked by another program.' },
    });
    const hidden = await router.handle('app:renderer-ready', undefined);
    expect(hidden).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(hidden)).not.toContain('secret internal detail');
    expect(log).toHaveLength(1);
  });
});
