/**
 * The trace pane decodes the event packages' bodies the way it decodes PIDF, end to end: a capture holding a
 * resource list NOTIFY (RLMI root and member parts, RFC 4662), a message-summary NOTIFY (RFC 3842) and a dialog
 * NOTIFY (RFC 4235) is dropped on the trace tab — main reads it, the real renderer shows it — and each message's
 * detail shows what the app makes of its body: each part with its Content-ID and decoded in turn, a broken part as
 * received with the reason beside it.
 */
import { writePcap } from '../../shared/trace/pcap';
import { DIALOG_RINGING, listNotify, MESSAGE_SUMMARY } from '../unit/shared/trace/event-bodies';
import { entries, ME, request } from '../unit/shared/trace/sip-fixtures';
import { expect, test } from './fixtures';
import { TracePane } from './trace-pane';

const LIST = 'sip:alice-buddies@example.com';

/** NOTIFYs in the order the capture holds them: a list's full state, the same list with Bob's part broken, voicemail, a line. */
function eventNotifies() {
  const full = listNotify();
  const broken = listNotify({ bobPart: '<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:bob@example.com"><tuple id="t">' });
  const notify = (cseq: number, event: string, contentType: string, body: string, callId: string, from: string) =>
    request({
      method: 'NOTIFY',
      uri: ME,
      from,
      to: ME,
      toTag: 'sub',
      callId,
      cseq,
      headers: [`Event: ${event}`, 'Subscription-State: active;expires=3600', ...(event === 'presence' ? ['Require: eventlist'] : [])],
      contentType,
      body,
    });
  return entries([
    ['in', notify(1, 'presence', full.contentType, full.body, 'list-1', LIST)],
    ['in', notify(2, 'presence', broken.contentType, broken.body, 'list-1', LIST)],
    ['in', notify(1, 'message-summary', 'application/simple-message-summary', MESSAGE_SUMMARY, 'mwi-1', ME)],
    ['in', notify(1, 'dialog', 'application/dialog-info+xml', DIALOG_RINGING, 'blf-1', 'sip:1001@pbx.example.com')],
  ]);
}

test.describe('event bodies decoded in the trace pane', () => {
  test('given list, voicemail and line-state NOTIFYs, then each detail decodes its body: parts by Content-ID, counts, the line', async ({
    app,
    page,
    harness,
  }, testInfo) => {
    const trace = new TracePane(page, app);
    await trace.open();
    await trace.dropFile('events.pcap', writePcap(eventNotifies(), { includeCredentials: false }));
    await expect(page.getByTestId('capture-outcome')).toContainText('Read all of events.pcap');
    const notifies = trace.rowsLabelled('NOTIFY');
    await expect(notifies).toHaveCount(4);

    // The list's full state: the RLMI root, then Bob's presence, tied to him by its Content-ID.
    await notifies.nth(0).click();
    await expect(trace.decoded()).toHaveAttribute('data-format', 'multipart');
    const parts = trace.decoded().getByTestId('trace-decoded-part');
    await expect(parts).toHaveCount(2);
    await expect(parts.nth(0)).toHaveAttribute('data-content-id', 'nXYxAE@example.com');
    await expect(parts.nth(0)).toContainText('Part 1 (root) · <nXYxAE@example.com> · application/rlmi+xml');
    await expect(parts.nth(0)).toContainText(LIST);
    await expect(parts.nth(0)).toContainText('every member (full state)');
    await expect(parts.nth(0).getByTestId('trace-rlmi-resources')).toContainText(
      'sip:dave@example.com (Dave Jones) · terminated (rejected)',
    );
    await expect(parts.nth(1)).toContainText(
      'Part 2 · <bZr1Kp@example.com> · application/pidf+xml;charset="UTF-8" · for sip:bob@example.com',
    );
    await expect(parts.nth(1).getByTestId('trace-decoded-status')).toHaveText('Busy');
    await expect(parts.nth(1)).toContainText('Writing the report');
    // The text beside: part by part, each body laid out in turn.
    await expect(trace.raw()).toContainText('Content-ID: <bZr1Kp@example.com>');
    await expect(trace.raw()).toContainText('\n  <tuple id="t1">');
    await app.screenshot(testInfo, 'trace-list-notify-parts');

    // Bob's part broken: that part alone is not readable, shown as received with the reason; the root still decodes.
    await notifies.nth(1).click();
    await expect(parts.nth(0)).toContainText('every member (full state)');
    await expect(parts.nth(1).getByTestId('trace-decoded-problem')).toContainText('Not readable:');
    await expect(trace.raw()).toContainText('<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:bob@example.com"><tuple id="t">');
    await app.screenshot(testInfo, 'trace-list-notify-broken-part');

    await notifies.nth(2).click();
    await expect(trace.decoded()).toHaveAttribute('aria-label', 'Voicemail (message summary)');
    await expect(trace.decoded().getByTestId('trace-decoded-status')).toHaveText('yes');
    await expect(trace.decoded()).toContainText('Voice2 new, 8 old (urgent: 0 new, 2 old)');
    await expect(trace.decoded()).toContainText('Fax1 new, 0 old');
    await app.screenshot(testInfo, 'trace-message-summary');

    await notifies.nth(3).click();
    await expect(trace.decoded()).toHaveAttribute('aria-label', 'Line state (dialog)');
    await expect(trace.decoded().getByTestId('trace-decoded-status')).toHaveText('Ringing');
    await expect(trace.decoded()).toContainText('1001 early');
    await app.screenshot(testInfo, 'trace-dialog-info');
    expect(harness.internalErrors).toEqual([]);
  });
});
