/**
 * The browser test harness: the real built renderer in Chromium, talking to the real main-process core
 * (PresenceService) running in this Node process. It stands in for Electron's IPC only — the page gets
 * `window.presence` from the same contract factory, and every request goes through the same router,
 * payload validation and sender check (the calling frame must be the page's main frame, at our origin).
 *
 * Each harness has its own data folder (a fresh temporary one unless given) and secret store, so tests
 * share nothing; `restartService()` stops the service cleanly and starts a new one on the same folder
 * and keychain, as quitting and reopening the app would.
 */
import { build } from 'esbuild';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { Channel, IpcResult } from '../../shared/ipc/contract';
import { createRequestHandlers } from '../../electron/service/request-handlers';
import { createRequestRouter, type RequestRouter } from '../../electron/ipc/request-router';
import type { DemoStarter } from '../../electron/service/demo/demo-environment';
import { nodeHostInfo, PresenceService, type PresenceServiceOptions } from '../../electron/service/presence-service';
import { MemorySecretStore, type SecretStore } from '../../electron/service/secret-store';
import { startRendererServer, type RendererServer } from './renderer-server';

/** What harness-bridge.ts installs in the page. */
interface HarnessWindow {
  __presentlyDeliver(channel: Channel, payload: unknown): void;
}

let bridgeScript: Promise<string> | null = null;

/** The browser half of the harness, bundled once per test process. */
function harnessBridgeScript(): Promise<string> {
  bridgeScript ??= build({
    entryPoints: ['test/support/browser/harness-bridge.ts'],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'chrome130',
  }).then((result) => result.outputFiles[0]?.text ?? '');
  return bridgeScript;
}

export interface HarnessOptions {
  /** The data folder; default a fresh temporary folder, removed on close. */
  readonly dataDir?: string;
  /** The keychain stand-in; default one in-memory store kept across restarts. */
  readonly secretStore?: SecretStore;
  /** Starts the offline demo's world; absent: no demo (the service is offline without an account). */
  readonly startDemo?: DemoStarter;
  /** Anything else the service takes (SIP timers, trace batching). */
  readonly service?: Partial<Omit<PresenceServiceOptions, 'host' | 'dataDir' | 'secretStore' | 'startDemo'>>;
}

export interface PresenceHarness {
  /** The running service (a new object after `restartService`). */
  readonly service: PresenceService;
  readonly router: RequestRouter;
  readonly server: RendererServer;
  readonly dataDir: string;
  /** Unexpected failures inside request handlers (a passing test expects none). */
  readonly internalErrors: { message: string; error: unknown }[];
  /** Requests the page made that the sender check refused. */
  readonly refusedRequests: { channel: string; url: string }[];
  /** Wires `page` to the service and opens the renderer. */
  open(page: Page): Promise<void>;
  /** Stops the service cleanly, starts a new one on the same data folder and keychain, reloads the page. */
  restartService(): Promise<void>;
  close(): Promise<void>;
}

export async function startPresenceHarness(options: HarnessOptions = {}): Promise<PresenceHarness> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'presently-e2e-')));
  const secretStore = options.secretStore ?? new MemorySecretStore();
  const internalErrors: { message: string; error: unknown }[] = [];
  const refusedRequests: { channel: string; url: string }[] = [];

  const createService = async () => {
    const service = new PresenceService({
      ...options.service,
      host: nodeHostInfo(),
      dataDir,
      secretStore,
      ...(options.startDemo ? { startDemo: options.startDemo } : {}),
    });
    const router = createRequestRouter(createRequestHandlers(service), (message, error) => internalErrors.push({ message, error }));
    await service.start();
    return { service, router };
  };

  let current = await createService();
  const server = await startRendererServer();
  let openPage: { page: Page; deliver: (channel: Channel, payload: unknown) => void } | null = null;

  return {
    get service() {
      return current.service;
    },
    get router() {
      return current.router;
    },
    server,
    dataDir,
    internalErrors,
    refusedRequests,
    async open(page) {
      await page.exposeBinding('__presentlyInvoke', async (source, channel: string, payload: unknown): Promise<IpcResult<unknown>> => {
        const url = source.frame.url();
        if (source.frame !== page.mainFrame() || new URL(url).origin !== server.origin) {
          refusedRequests.push({ channel, url });
          return { ok: false, error: { code: 'forbidden-sender', message: 'Request refused: unknown sender.' } };
        }
        return current.router.handle(channel, payload);
      });
      await page.addInitScript({ content: await harnessBridgeScript() });
      // Events go to the page through the function harness-bridge.ts installs; a closed or navigating
      // page drops them, and the next renderer handshakes again.
      const deliver = (channel: Channel, payload: unknown) => {
        page
          .evaluate(([c, p]) => (globalThis as unknown as HarnessWindow).__presentlyDeliver(c, p), [channel, payload] as const)
          .catch(() => undefined);
      };
      openPage = { page, deliver };
      current.service.attachRenderer(deliver);
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) current.service.attachRenderer(deliver);
      });
      await page.goto(server.url);
    },
    async restartService() {
      current.service.detachRenderer();
      await current.service.stop();
      current = await createService();
      if (openPage) {
        current.service.attachRenderer(openPage.deliver);
        await openPage.page.reload();
      }
    },
    async close() {
      current.service.detachRenderer();
      await current.service.stop();
      await server.close();
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
