/**
 * The other end of the event packages in the end-to-end tests: a voicemail system publishing an account's
 * message summary (RFC 3842), a phone publishing its line (RFC 4235), a colleague publishing presence — each a real
 * PUBLISH (RFC 3903) over UDP on 127.0.0.1 from a scripted peer, refreshed with its entity tag so that every change
 * replaces the publisher's previous state instead of adding a second publication.
 */
import { buildDialogInfo, lineStateDocument, type LineState } from '../../shared/dialog-info/dialog-info';
import { buildMessageSummary, type MessageSummary } from '../../shared/message-summary';
import { SipTestPeer, pidf, type Target } from '../support/compositor/sip-test-peer';

export class EventPublisher {
  private readonly etags = new Map<string, string>();
  private readonly versions = new Map<string, number>();

  private constructor(private readonly peer: SipTestPeer) {}

  static async start(server: Target): Promise<EventPublisher> {
    return new EventPublisher(await SipTestPeer.udp(server));
  }

  /** The voicemail system: `aor`'s mailbox now holds `summary`. */
  messageSummary(aor: string, summary: Omit<MessageSummary, 'messageHeaders'>): Promise<void> {
    return this.publish(
      aor,
      'message-summary',
      'application/simple-message-summary',
      buildMessageSummary({ ...summary, messageHeaders: [] }),
    );
  }

  /** `aor`'s phone: its line is now `lineState`. */
  line(aor: string, lineState: LineState): Promise<void> {
    const version = this.versions.get(aor) ?? 0;
    this.versions.set(aor, version + 1);
    return this.publish(aor, 'dialog', 'application/dialog-info+xml', buildDialogInfo(lineStateDocument(aor, lineState, version)));
  }

  /** `aor`'s client: open with `note`, or closed. */
  presence(aor: string, basic: 'open' | 'closed', note: string): Promise<void> {
    return this.publish(aor, 'presence', 'application/pidf+xml', pidf(aor, [{ id: 'desk', basic, note }]));
  }

  close(): Promise<void> {
    return this.peer.close();
  }

  private async publish(aor: string, event: string, contentType: string, body: string): Promise<void> {
    const key = `${event} ${aor}`;
    const etag = this.etags.get(key);
    const response = await this.peer.request({
      method: 'PUBLISH',
      uri: aor,
      from: `<${aor}>;tag=pub${this.etags.size}`,
      to: `<${aor}>`,
      headers: [['Event', event], ['Expires', '600'], ...(etag === undefined ? [] : ([['SIP-If-Match', etag]] as const))],
      body,
      contentType,
    });
    const granted = response.headers.get('sip-etag');
    if (response.status !== 200 || granted === undefined) throw new Error(`PUBLISH ${event} for ${aor}: ${response.raw.split('\r\n')[0]}`);
    this.etags.set(key, granted);
  }
}
