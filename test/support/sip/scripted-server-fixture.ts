/** The scripted SIP peer (./scripted-sip-server.ts) for one test: closed when the test finishes, passed or failed. */
import { onTestFinished } from 'vitest';
import { ScriptedSipServer, type ScriptedTransport } from './scripted-sip-server';

/**
 * Starts a scripted server that is closed after the current test. Start it before the test's clients:
 * cleanups run in reverse order, so the clients unregister while the server still answers.
 */
export async function startScriptedServer(
  transport: ScriptedTransport,
  options: Parameters<typeof ScriptedSipServer.start>[1] = {},
): Promise<ScriptedSipServer> {
  const server = await ScriptedSipServer.start(transport, options);
  onTestFinished(() => server.close());
  return server;
}
