/**
 * `presently compositor` bound to 0.0.0.0: every listener URI it prints, the Contact of its SUBSCRIBE 200s and the
 * Via sent-by and Contact of its NOTIFYs carry the advertised host (RFC 3261 §18.2.1, §8.1.1.8) — over UDP, TCP and
 * WebSocket alike — never the wildcard address, which no client can send to. Without --advertised-host that is the
 * machine's first non-loopback IPv4 address (loopback when it has none); with it, the name given. The peers reach
 * the wildcard listeners through 127.0.0.1.
 */
import { networkInterfaces } from 'node:os';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCompositorCommand } from '../../../electron/cli/compositor-command';
import { subscribeSpec } from '../../support/compositor/compositor-fixture';
import { SipTestPeer } from '../../support/compositor/sip-test-peer';
import { ArrivalWaits } from '../../support/sip/wait-for';

const TRANSPORTS = ['udp', 'tcp', 'ws'] as const;
type Transport = (typeof TRANSPORTS)[number];

/** The server in-process on 0.0.0.0 with free ports; resolves with the URI it printed for each transport, and every line. */
async function startOnWildcard(extra: readonly string[]): Promise<Record<Transport, string> & { lines: readonly string[] }> {
  const lines: string[] = [];
  const waits = new ArrivalWaits();
  let requestStop: (signal: string) => void = () => undefined;
  const exited = runCompositorCommand(
    ['--host', '0.0.0.0', '--no-auth', '--udp', '0', '--tcp', '0', '--ws', '0', '--control', 'off', '--quiet', ...extra],
    {
      out: (line) => {
        lines.push(line);
        waits.arrived();
      },
      err: (line) => {
        lines.push(line);
        waits.arrived();
      },
      stopRequested: new Promise((resolve) => (requestStop = resolve)),
    },
  );
  onTestFinished(async () => {
    requestStop('SIGTERM');
    expect(await exited).toBe(0);
  });
  await waits.until(
    () => lines.find((line) => line.startsWith('Press Ctrl-C')),
    10_000,
    () => `the compositor did not start:\n${lines.join('\n')}`,
  );
  const uri = (transport: Transport): string => {
    const line = lines.find((candidate) => candidate.trimStart().startsWith(`${transport} `));
    if (line === undefined) throw new Error(`no ${transport} listener among:\n${lines.join('\n')}`);
    return line.trim().split(/\s+/)[1] as string;
  };
  return { udp: uri('udp'), tcp: uri('tcp'), ws: uri('ws'), lines };
}

/** The port of a printed listener URI. */
const portOf = (uri: string): number => Number((/:(\d+);transport=/.exec(uri) as RegExpExecArray)[1]);

async function peerFor(transport: Transport, port: number): Promise<SipTestPeer> {
  const target = { host: '127.0.0.1', port };
  const peer =
    transport === 'udp'
      ? await SipTestPeer.udp(target)
      : transport === 'tcp'
        ? await SipTestPeer.tcp(target)
        : await SipTestPeer.ws(target);
  onTestFinished(() => peer.close());
  return peer;
}

/** Subscribes over each transport and checks what the server put in its 200 and its first NOTIFY. */
async function expectAdvertised(uris: Record<Transport, string>, host: string): Promise<void> {
  for (const transport of TRANSPORTS) {
    const port = portOf(uris[transport]);
    expect(uris[transport], `${transport} listener URI`).toBe(`sip:${host}:${port};transport=${transport}`);
    const peer = await peerFor(transport, port);
    const response = await peer.request(subscribeSpec(peer, 'sip:alice@example.com'));
    expect(response.status).toBe(200);
    expect(response.headers.get('contact'), `${transport} 200 Contact`).toBe(`<sip:${host}:${port};transport=${transport}>`);
    const notify = await peer.nextRequest();
    expect(notify.headers.get('via'), `${transport} NOTIFY Via`).toMatch(
      new RegExp(`^SIP/2\\.0/${transport.toUpperCase()} ${host.replace(/\./g, '\\.')}:${port};branch=z9hG4bK`),
    );
    expect(notify.headers.get('contact'), `${transport} NOTIFY Contact`).toBe(`<sip:${host}:${port};transport=${transport}>`);
  }
}

describe('presently compositor --host 0.0.0.0', () => {
  it('given no --advertised-host, then every URI, Contact and Via carries the first non-loopback address (or loopback), not 0.0.0.0', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address?.family === 'IPv4' && !address.internal);
    const uris = await startOnWildcard([]);
    await expectAdvertised(uris, external?.address ?? '127.0.0.1');
  });

  it('given --advertised-host presence.example.net, then every URI, Contact and Via carries that name', async () => {
    const uris = await startOnWildcard(['--advertised-host', 'presence.example.net']);
    await expectAdvertised(uris, 'presence.example.net');
  });

  it('given --demo and an advertised name this machine cannot resolve, then the demo colleagues still reach the server over loopback', async () => {
    const { lines } = await startOnWildcard(['--advertised-host', 'presence.invalid', '--demo']);
    expect(lines.join('\n')).not.toContain('the demo colleagues could not start');
    expect(lines.find((line) => line.startsWith('Demo colleagues'))).toMatch(
      /^Demo colleagues \(changing every 20–60 s\): .+ <sip:.+@demo\.presently\.invalid>/,
    );
  });
});
