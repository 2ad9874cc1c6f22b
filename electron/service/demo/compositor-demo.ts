/**
 * The offline demo's world on the real built-in presence server (electron/compositor/): the compositor
 * listening on loopback only (random free ports, UDP and TCP), and the simulated colleagues — real
 * SIP user agents on the engine — publishing to it. The PresenceService then signs the demo user in to
 * it over TCP like any account; nothing leaves 127.0.0.1, and the `.invalid` domain cannot leak.
 */
import { startCompositor, type RunningCompositor } from '../../compositor';
import { startDemoColleagues } from './demo-colleagues';
import { DEMO_DOMAIN, type DemoEnvironment } from './demo-environment';
import type { RunningDemoColleagues } from './demo-types';

export interface CompositorDemoOptions {
  /** Pause between two changes of one colleague, ms (default the compositor's 20–60 s). */
  readonly changeIntervalMs?: readonly [min: number, max: number];
}

/** Starts the compositor and the colleagues; if either fails, stops what started and rejects. */
export async function startCompositorDemo(options: CompositorDemoOptions = {}): Promise<DemoEnvironment> {
  const compositor: RunningCompositor = await startCompositor({
    host: '127.0.0.1',
    udpPort: 0,
    tcpPort: 0,
    // The WebSocket listener's HTTP server also serves the presence rules (XCAP): the demo's "who can see you".
    wsPort: 0,
    domains: [DEMO_DOMAIN],
  });
  const colleaguesServer = compositor.addresses.udp?.uri;
  const server = compositor.addresses.tcp?.uri;
  if (!colleaguesServer || !server) {
    await compositor.stop();
    throw new Error('the built-in presence server did not open its loopback listeners');
  }

  let colleagues: RunningDemoColleagues;
  try {
    colleagues = await startDemoColleagues({
      server: colleaguesServer,
      domain: DEMO_DOMAIN,
      ...(options.changeIntervalMs ? { changeIntervalMs: options.changeIntervalMs } : {}),
    });
  } catch (error) {
    await compositor.stop();
    throw error;
  }

  return {
    server,
    ...(compositor.xcapRoot === null ? {} : { xcapRoot: compositor.xcapRoot }),
    colleagues: colleagues.colleagues.map((c) => ({ aor: c.aor, name: c.name })),
    async changeNow(aor) {
      const changed = await colleagues.changeNow(aor);
      return { aor: changed.aor, status: changed.status, note: changed.note };
    },
    async stop() {
      // Colleagues first, so their publications are removed while the server still answers.
      await colleagues.stop().catch(() => undefined);
      await compositor.stop();
    },
  };
}
