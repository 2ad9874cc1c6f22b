/**
 * The browser test harness: the real built renderer in Chromium, talking to the real main-process core
 * (PresenceService) running in this Node process. It stands in for Electron's IPC only — the page gets
 * `window.presence` from the same contract factory, and every request goes through the same router,
 * payload validation and sender check (the calling frame must be the page's main frame, at our origin).
 */
import { build } from 'esbuild';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { Channel, IpcResult } from '../../shared/ipc/contract';
import { createRequestHandlers } from '../../electron/ipc/request-handlers';
import { createRequestRouter, type RequestRouter } from '../../electron/ipc/request-router';
import { nodeHostInfo, PresenceService } from '../../electron/service/presence-service';
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

export interface PresenceHarness {
  readonly service: PresenceService;
  readonly router: RequestRouter;
  readonly server: RendererServer;
  /** Unexpected failures inside request handlers (a passing test expects none). */
  readonly internalErrors: { message: string; error: unknown }[];
  /** Requests the page made that the sender check refused. */
  readonly refusedRequests: { channel: string; url: string }[];
  /** Wires `page` to the service and opens the renderer. */
  open(page: Page): Promise<void>;
  close(): Promise<void>;
}

export async function startPresenceHarness(service?: PresenceService): Promise<PresenceHarness> {
  const dataDir = service ? null : await mkdtemp(path.join(tmpdir(), 'presently-e2e-'));
  service ??= new PresenceService({ host: nodeHostInfo(), dataDir: dataDir! });
  await service.start();
  const server = await startRendererServer();
  const internalErrors: { message: string; error: unknown }[] = [];
  const router = createRequestRouter(createRequestHandlers(service), (message, error) =>
    internalErrors.push({ message, error }),
  );
  const refusedRequests: { channel: string; url: string }[] = [];

  return {
    service,
    router,
    server,
    internalErrors,
    refusedRequests,
    async open(page) {
      await page.exposeBinding(
        '__presentlyInvoke',
        async (source, channel: string, payload: unknown): Promise<IpcResult<unknown>> => {
          const url = source.frame.url();
          if (source.frame !== page.mainFrame() || new URL(url).origin !== server.origin) {
            refusedRequests.push({ channel, url });
            return { ok: false, error: { code: 'forbidden-sender', message: 'Request refused: unknown sender.' } };
          }
          return router.handle(channel, payload);
        },
      );
      await page.addInitScript({ content: await harnessBridgeScript() });
      // Events go to the page through the function harness-bridge.ts installs; a closed or navigating
      // page drops them, and the next renderer handshakes again.
      const deliver = (channel: Channel, payload: unknown) => {
        page
          .evaluate(([c, p]) => (globalThis as unknown as HarnessWindow).__presentlyDeliver(c, p), [channel, payload] as const)
          .catch(() => undefined);
      };
      service.connectRenderer(deliver);
      page.on('framenavigated', (frame) => {
        if (frame === page.mainFrame()) service.connectRenderer(deliver);
      });
      await page.goto(server.url);
    },
    async close() {
      service.disconnectRenderer();
      await service.stop();
      await server.close();
      if (dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
