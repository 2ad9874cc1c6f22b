/**
 * Timing, retransmissions, changes and columns of the user's choice in the SIP trace pane, end to end:
 * the built renderer in Chromium and the real service. The first test runs on the offline demo (the
 * built-in compositor on loopback TCP, colleagues as real user agents); the second registers the user's
 * own account over real UDP through a relay that loses the compositor's first answer to REGISTER, so
 * the client really sends it again (nothing is mocked: the loss happens on the wire). Screenshots of
 * each view are saved with the results.
 */
import { startCompositor, type RunningCompositor } from '../../electron/compositor';
import { startLossyUdpRelay, type LossyUdpRelay } from '../support/sip/lossy-udp-relay';
import { TRACE_LAYOUT_STORAGE_KEY } from '../../renderer/src/trace/trace-layout-store';
import { expect, test } from './fixtures';
import { TracePane } from './trace-pane';

test.describe('trace timing on the demo', () => {
  test('given the timing columns, a header column and a changed colleague, then answers show their round trip, the header its value, and a NOTIFY what changed', async ({
    app,
    harness,
    page,
  }, testInfo) => {
    const trace = new TracePane(page, app);
    await expect(app.connectionStatus()).toContainText('published');
    const environment = harness.service.demoEnvironment!;
    const colleague = environment.colleagues[0]!;
    await environment.changeNow(colleague.aor);
    const changed = await environment.changeNow(colleague.aor);
    await trace.open();
    await expect(trace.rows().first()).toBeVisible();

    // Timing columns, one click in the Columns menu.
    await trace.columnChooser().locator('summary').click();
    await trace
      .columnChooser()
      .getByRole('button', { name: /Show the timing columns/ })
      .click();
    const heads = trace.list().getByRole('columnheader');
    await expect(heads.filter({ hasText: 'Δt' })).toBeVisible();
    await expect(heads.filter({ hasText: 'RTT' })).toBeVisible();
    await expect(heads.filter({ hasText: '↻' })).toBeVisible();

    // Any header as a column: typed into the chooser, then moved first.
    await trace.columnChooser().getByTestId('trace-header-column-name').fill('Subscription-State');
    await trace.columnChooser().getByRole('button', { name: 'Add column' }).click();
    await expect(heads.filter({ hasText: 'Subscription-State' })).toBeVisible();
    for (let i = 0; i < 20; i++) {
      const left = trace.columnChooser().getByRole('button', { name: 'Move Subscription-State left' });
      if (await left.isDisabled()) break;
      await left.click();
    }
    await expect(heads.first()).toHaveText('Subscription-State');
    await trace.columnChooser().locator('summary').click();
    // Remembered with the layout's version.
    const stored = JSON.parse((await page.evaluate((key) => localStorage.getItem(key), TRACE_LAYOUT_STORAGE_KEY)) ?? 'null') as {
      version: number;
      columnSet: { headers: string[]; order: string[] };
    };
    expect(stored.version).toBe(2);
    expect(stored.columnSet.headers).toEqual(['Subscription-State']);
    expect(stored.columnSet.order[0]).toBe('header:subscription-state');

    await trace.onlyMethods('NOTIFY');
    const notify = trace.rowsLabelled('NOTIFY').last();
    await expect(notify.getByTestId('trace-row-header:subscription-state')).toHaveText(/^active;expires=\d+/);
    await expect(notify.getByTestId('trace-row-sincePrevious')).toHaveText(/^\+[\d.]+ (ms|s)$|^\+\d+ min \d\d s$/);
    const answers = trace.rowsLabelled('200 OK');
    await expect(answers.last().getByTestId('trace-row-roundTrip')).toHaveText(/^[\d.]+ (ms|s)$/);
    await app.screenshot(testInfo, 'trace-timing-columns');

    // The colleague's last NOTIFY: what changed since the one before, in words and line by line.
    await notify.click();
    const changes = trace.root.getByTestId('trace-changes');
    await expect(changes).toContainText(/Changes since #\d+, the previous NOTIFY in this subscription/);
    if (changed.note) await expect(changes.getByTestId('trace-change-list')).toContainText(changed.note);
    await expect(changes.getByTestId('trace-line-diff').locator('.diff-added').first()).toBeVisible();
    await expect(changes.getByTestId('trace-line-diff').locator('.diff-removed').first()).toBeVisible();
    await trace.root.getByRole('button', { name: 'Expand' }).click();
    await app.screenshot(testInfo, 'trace-notify-changes');
    await trace.root.getByRole('button', { name: 'Show the list' }).click();

    // The ladder with gaps to scale, each labelled with its time.
    await trace.detail().getByRole('button', { name: 'Ladder' }).click();
    await trace.ladder().getByTestId('ladder-to-scale').check();
    await expect(trace.ladder().getByTestId('ladder-gap').first()).toBeAttached();
    await app.screenshot(testInfo, 'trace-ladder-to-scale');
    expect(harness.internalErrors).toEqual([]);
  });
});

test.describe('retransmissions over UDP', () => {
  test.use({ harnessOptions: {} });
  let server: RunningCompositor;
  let relay: LossyUdpRelay;
  test.beforeEach(async () => {
    server = await startCompositor({ host: '127.0.0.1', udpPort: 0, tcpPort: 0, wsPort: null, domains: ['example.org'] });
    // The compositor's first 2xx to a REGISTER is lost on the way back: only the copy sent again is answered.
    let isLost = false;
    relay = await startLossyUdpRelay({
      targetPort: server.addresses.udp!.port,
      lossRate: 0,
      drop: (direction, datagram) => {
        if (isLost || direction !== 'toClient' || !/^SIP\/2\.0 2\d\d[^]*\r\nCSeq: *\d+ REGISTER\r\n/i.test(datagram.toString()))
          return false;
        isLost = true;
        return true;
      },
    });
  });
  test.afterEach(async () => {
    await relay.close();
    await server.stop();
  });

  test('given the answer to REGISTER lost, then the copy sent again is marked, and folding puts it under its first copy until unfolded', async ({
    app,
    harness,
    page,
  }, testInfo) => {
    const settings = await app.openSettings();
    await settings.fill({ aor: 'sip:alice@example.org', server: `127.0.0.1:${relay.port}`, transport: 'UDP' });
    await settings.save().click();
    await expect(settings.root).toBeHidden();
    await expect(app.connectionStatus()).toContainText('Registered with');
    expect(relay.stats.toClient.dropped).toBe(1);

    const trace = new TracePane(page, app);
    await trace.open();
    await trace.columnChooser().locator('summary').click();
    await trace
      .columnChooser()
      .getByRole('button', { name: /Show the timing columns/ })
      .click();
    await trace.columnChooser().locator('summary').click();
    await trace.onlyMethods('REGISTER');

    const registers = trace.rowsLabelled('REGISTER');
    const copy = registers.and(trace.root.locator('[data-copy="2"]')).first();
    await expect(copy.getByTestId('trace-row-retransmission')).toHaveText('↻ 2');
    const firstSeq = Number(await registers.first().getAttribute('data-seq'));
    const copySeq = Number(await copy.getAttribute('data-seq'));
    expect(copySeq).toBeGreaterThan(firstSeq);
    const original = trace.row(firstSeq);
    await expect(original.getByTestId('trace-row-retransmission')).toHaveText(/^×[2-9]$/);
    // Its answer is timed from the first send: at least T1 (500 ms) passed before the copy was answered.
    const answer = trace.rowsLabelled('200 OK').first();
    await expect(answer.getByTestId('trace-row-roundTrip')).toHaveText(/^\d\.\d{3} s$|^[5-9]\d\d ms$/);
    await app.screenshot(testInfo, 'trace-retransmission-marked');

    // Folded: the copy is gone from the list, its first copy offers to unfold it.
    await trace.root.getByTestId('trace-fold-retransmissions').check();
    await expect(trace.row(copySeq)).toHaveCount(0);
    await expect(original).toHaveAttribute('aria-expanded', 'false');
    await app.screenshot(testInfo, 'trace-retransmission-folded');
    await original.getByTestId('trace-fold-toggle').click();
    await expect(trace.row(copySeq)).toBeVisible();
    await expect(original).toHaveAttribute('aria-expanded', 'true');
    await app.screenshot(testInfo, 'trace-retransmission-unfolded');
    // And back by keyboard: ← on the selected first copy folds it again.
    await original.click();
    await trace.list().focus();
    await page.keyboard.press('ArrowLeft');
    await expect(trace.row(copySeq)).toHaveCount(0);
    expect(harness.internalErrors).toEqual([]);
  });
});
