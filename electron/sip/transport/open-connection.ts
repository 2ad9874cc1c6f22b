/**
 * Opens a connection of the kind a server target asks for (see ./sip-connection.ts for the contract).
 */
import type { ServerTarget } from '../server-target';
import type { ConnectionEvents, OpenConnectionOptions, SipConnection } from './sip-connection';
import { StreamConnection } from './stream-connection';
import { UdpConnection } from './udp-connection';
import { WsConnection } from './ws-connection';

/** Resolves with an open connection, or rejects with a TransportFailure saying why not. */
export function openConnection(target: ServerTarget, events: ConnectionEvents, options: OpenConnectionOptions): Promise<SipConnection> {
  switch (target.kind) {
    case 'udp':
      return UdpConnection.open(target, events, options);
    case 'tcp':
    case 'tls':
      return StreamConnection.open(target, events, options);
    case 'ws':
    case 'wss':
      return WsConnection.open(target, events, options);
  }
}
