/**
 * The trace pane holding 100,000 messages in the real renderer (Chromium): the service runs without a
 * session (no SIP traffic of its own), and the test feeds `trace:batch` events of 500 entries — what
 * main sends — through the harness's event channel, generated inside the page so that 40 MB of SIP text
 * need not cross the DevTools protocol. The list must keep only the visible rows in the document,
 * count and filter all 100,000, and reach both ends with the keyboard. Times are attached to the report
 * for information (npm run bench:trace measures the same work under Node); nothing asserts on them.
 */
import { expect, test } from './fixtures';
import { TracePane } from './trace-pane';

const TOTAL = 100_000;

test.describe('trace pane with 100,000 messages', () => {
  test.use({ harnessOptions: {} });

  test('given 100,000 messages in batches, then the list renders only what is visible, counts and filters them all, and Home/End reach both ends', async ({
    app,
    page,
  }, testInfo) => {
    test.setTimeout(120_000);
    const trace = new TracePane(page, app);
    await trace.open();
    await expect(trace.root.getByTestId('trace-empty')).toBeVisible();

    const appendMs = await page.evaluate(async (total) => {
      // Time spent handling the batches (store append, summaries, rendering), not waiting for frames.
      let handling = 0;
      const base = Date.now() - total * 10;
      for (let first = 1; first <= total; first += 500) {
        const entries = [];
        for (let seq = first; seq < first + 500 && seq <= total; seq++) {
          const user = `user${seq % 50}@example.com`;
          // Request/answer pairs; every fourth pair a PUBLISH, the others NOTIFYs.
          const isRequest = seq % 2 === 1;
          const isNotify = Math.floor((seq - 1) / 2) % 4 !== 3;
          const method = isNotify ? 'NOTIFY' : 'PUBLISH';
          const head = isRequest ? `${method} sip:you@127.0.0.1:40000;transport=tcp SIP/2.0` : 'SIP/2.0 200 OK';
          const body =
            isRequest && isNotify
              ? `<?xml version="1.0"?><presence xmlns="urn:ietf:params:xml:ns:pidf" entity="sip:${user}"><tuple id="t"><status><basic>open</basic></status><note>Note ${seq}</note></tuple></presence>`
              : '';
          const raw = [
            head,
            `Via: SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK${seq}`,
            `From: <sip:${user}>;tag=f${seq % 50}`,
            'To: <sip:you@example.com>;tag=t1',
            `Call-ID: call-${seq % 50}`,
            `CSeq: ${seq} ${method}`,
            ...(isNotify && isRequest
              ? ['Event: presence', 'Subscription-State: active;expires=600', 'Content-Type: application/pidf+xml']
              : []),
            `Content-Length: ${body.length}`,
            '',
            body,
          ].join('\r\n');
          entries.push({
            seq,
            at: base + seq * 10,
            direction: isRequest === isNotify ? 'in' : 'out',
            transport: 'tcp',
            local: { address: '127.0.0.1', port: 40000 },
            remote: { address: '127.0.0.1', port: 5060 },
            raw,
          });
        }
        const started = performance.now();
        window.__presentlyDeliver('trace:batch', { entries });
        handling += performance.now() - started;
        // Let the window render between batches, as it does between IPC messages.
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
      return handling;
    }, TOTAL);

    await expect(trace.count()).toHaveText('100,000 messages');
    // Virtualised: only the rows in view (plus a small margin) exist.
    expect(await trace.rows().count()).toBeLessThan(100);
    // It followed the newest message.
    await expect(trace.row(TOTAL)).toBeVisible();

    await trace.list().focus();
    await page.keyboard.press('Home');
    await expect(trace.selectedRow()).toHaveAttribute('data-seq', '1');
    await expect(trace.row(1)).toBeVisible();
    await page.keyboard.press('PageDown');
    await expect(trace.selectedRow()).not.toHaveAttribute('data-seq', '1');
    await page.keyboard.press('End');
    await expect(trace.selectedRow()).toHaveAttribute('data-seq', String(TOTAL));
    await page.keyboard.press('Enter');
    await expect(trace.detail()).toHaveAttribute('aria-label', `Message ${TOTAL}`);
    await page.keyboard.press('Escape');

    // 500 more: the oldest 500 make room (the pane holds 100,000), and the list follows the newest.
    await page.evaluate((total) => {
      const entries = Array.from({ length: 500 }, (_, i) => ({
        seq: total + 1 + i,
        at: Date.now(),
        direction: 'out',
        transport: 'udp',
        local: { address: '127.0.0.1', port: 40000 },
        remote: { address: '127.0.0.1', port: 5060 },
        raw: `OPTIONS sip:example.com SIP/2.0\r\nCall-ID: ping-${i}\r\nCSeq: 1 OPTIONS\r\n\r\n`,
      }));
      window.__presentlyDeliver('trace:batch', { entries });
    }, TOTAL);
    await expect(trace.row(TOTAL + 500)).toBeVisible();
    await expect(trace.count()).toHaveText('100,000 messages');
    await trace.list().focus();
    await page.keyboard.press('Home');
    await expect(trace.selectedRow()).toHaveAttribute('data-seq', '501');

    // Filters run over all of them.
    const filterStarted = Date.now();
    await trace.address().fill('user7@');
    // seqs 1..500 are gone: 10 of user7's 2,000 went with them.
    await expect(trace.count()).toHaveText('1,990 of 100,000 messages');
    const addressFilterMs = Date.now() - filterStarted;
    await trace.address().fill('');
    await trace.search().fill('note 4241<');
    await expect(trace.count()).toHaveText('1 of 100,000 messages');
    await expect(trace.row(4241)).toBeVisible();
    await trace.search().fill('');
    await trace.onlyMethods('PUBLISH');
    await expect(trace.count()).toHaveText('24,876 of 100,000 messages');
    expect(await trace.rows().count()).toBeLessThan(100);

    testInfo.annotations.push(
      { type: 'figure', description: `handling 200 batches of 500 entries (append, summarise, render): ${Math.round(appendMs)} ms in all` },
      {
        type: 'figure',
        description: `address filter over 100,000 entries, typed to shown (incl. Playwright round trips): ${addressFilterMs} ms`,
      },
    );
    await app.screenshot(testInfo, 'trace-100000');
  });
});
