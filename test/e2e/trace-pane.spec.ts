/**
 * The SIP trace pane end to end: the built renderer in Chromium, the real service, and the offline demo
 * on the real built-in compositor (real SIP over loopback TCP, simulated colleagues as real user
 * agents). Screenshots of the pane and of a ladder are saved with the results.
 */
import { expect, test } from './fixtures';
import { TracePane } from './trace-pane';

test.describe('SIP trace pane', () => {
  test('given a status set, then the trace shows the PUBLISH and its 200 with SIP-ETag, the filter narrows to NOTIFYs and a buddy ladder shows SUBSCRIBE, 200 and the NOTIFYs in order', async ({
    app,
    harness,
    page,
  }, testInfo) => {
    const trace = new TracePane(page, app);
    // The demo publishes the saved status first (the publication's initial PUBLISH).
    await expect(app.connectionStatus()).toContainText('published');
    const note = 'Tracing the release build';
    const picker = await app.openStatusPicker();
    await picker.choose('Busy', note);
    await expect(app.selfStatus()).toContainText(note);

    // A colleague changes twice: their subscription gets two more NOTIFYs.
    const environment = harness.service.demoEnvironment!;
    const colleague = environment.colleagues[0]!;
    await environment.changeNow(colleague.aor);
    await environment.changeNow(colleague.aor);

    await trace.open();
    await expect(trace.rows().first()).toBeVisible();

    // The PUBLISH carrying our note, and its 200 with the entity tag.
    await trace.search().fill(note);
    await expect(trace.rowsLabelled('PUBLISH')).toHaveCount(1);
    await trace.rowsLabelled('PUBLISH').click();
    await expect(trace.raw()).toContainText(note);
    await expect(trace.raw()).toContainText('Event: presence');
    await expect(trace.decoded()).toContainText('Busy');
    await expect(trace.decoded()).toContainText(note);
    const publishCseq = (
      await trace
        .detail()
        .locator('.raw-header', { hasText: /^CSeq:/ })
        .innerText()
    )
      .replace(/^CSeq:\s*/, '')
      .trim();
    await trace.detail().getByRole('button', { name: 'Filter this Call-ID' }).click();
    await trace.search().fill('');
    const answer = trace
      .rows()
      .filter({ has: page.getByTestId('trace-row-cseq').getByText(publishCseq, { exact: true }) })
      .and(trace.rowsLabelled('200 OK'));
    await expect(answer).toHaveCount(1);
    await answer.click();
    await expect(trace.raw()).toContainText(/SIP-ETag: \S+/);
    await expect(trace.raw()).toContainText(`CSeq: ${publishCseq}`);
    await app.screenshot(testInfo, 'trace-publish-200-etag');

    // Our publication's ladder: the chain by entity tag, initial then modify, each answered with a new ETag.
    await trace.detail().getByRole('button', { name: 'Ladder' }).click();
    await expect(trace.ladder()).toContainText('Publication of sip:you@demo.presently.invalid (presence)');
    await expect(trace.ladder()).toContainText(/ETags \S+ → \S+/);
    await expect(trace.ladder()).toContainText(/active · published \(modify\), ETag \S+ · expires in \d+:\d\d/);
    const publication = await trace.arrowLabels();
    expect(publication.slice(0, 2)).toEqual(['PUBLISH (initial)', '200 OK']);
    expect(publication.slice(-2)).toEqual(['PUBLISH (modify)', '200 OK']);

    // The filter narrows to NOTIFYs (and the answers to them).
    await trace.clearFilters().click();
    const all = await trace.rows().count();
    await trace.onlyMethods('NOTIFY');
    await expect(trace.rowsLabelled('NOTIFY').first()).toBeVisible();
    const cseqs = await trace.rows().getByTestId('trace-row-cseq').allInnerTexts();
    expect(cseqs.length).toBeGreaterThan(0);
    expect(cseqs.length).toBeLessThan(all);
    for (const cseq of cseqs) expect(cseq).toMatch(/^\d+ NOTIFY$/);
    await expect(trace.count()).toContainText(/^\d+ of \d+ messages$/);
    // The pane with a NOTIFY open: its PIDF beside "what the buddy list shows".
    await trace.rowsLabelled('NOTIFY').last().click();
    await expect(trace.decoded()).toContainText('What the buddy list shows');
    await trace.clearFilters().click();
    await app.screenshot(testInfo, 'trace-pane');

    // The ladder of the colleague's subscription: SUBSCRIBE, 200, then the NOTIFYs in order.
    await trace.rows().first().click();
    await trace.panelTab('Dialogs & subscriptions').click();
    await trace
      .groups()
      .filter({ hasText: `Subscription to ${colleague.aor}` })
      .click();
    await expect(trace.ladder()).toContainText(`Subscription to ${colleague.aor}`);
    await expect(trace.ladder()).toContainText(/expires in \d+:\d\d/);
    const labels = await trace.arrowLabels();
    expect(labels.slice(0, 2)).toEqual(['SUBSCRIBE', '200 OK']);
    const notifies = labels.filter((l) => l === 'NOTIFY');
    expect(notifies.length).toBeGreaterThanOrEqual(3);
    // Each NOTIFY is answered before the next one arrives.
    expect(labels.slice(2).join(' ')).toMatch(/^(NOTIFY 200 OK ?)+$/);
    const seqs = await trace.arrows().evaluateAll((arrows) => arrows.map((a) => Number(a.getAttribute('data-seq'))));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    await trace.root.getByRole('button', { name: 'Expand' }).click();
    await expect(trace.list()).toBeHidden();
    await app.screenshot(testInfo, 'trace-ladder');
    await trace.root.getByRole('button', { name: 'Show the list' }).click();

    // Clicking an arrow opens its message.
    await trace.arrows().nth(2).click();
    await expect(trace.detail()).toContainText('NOTIFY');
    await expect(trace.raw()).toContainText('Subscription-State: active');
    await expect(trace.decoded()).toBeVisible();
    expect(harness.internalErrors).toEqual([]);
  });

  test('given the keyboard, then / focuses the filter, arrows move through messages, Enter opens one and it can be copied', async ({
    app,
    harness,
    page,
  }) => {
    const trace = new TracePane(page, app);
    await expect(app.connectionStatus()).toContainText('Registered with');
    await trace.open();
    await expect(trace.rows().nth(3)).toBeVisible();

    await trace.list().focus();
    await page.keyboard.press('Home');
    await expect(trace.selectedRow()).toHaveAttribute('data-seq', (await trace.rows().first().getAttribute('data-seq')) as string);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    const third = await trace.rows().nth(2).getAttribute('data-seq');
    await expect(trace.selectedRow()).toHaveAttribute('data-seq', third!);
    await page.keyboard.press('ArrowUp');
    const second = await trace.rows().nth(1).getAttribute('data-seq');
    await expect(trace.selectedRow()).toHaveAttribute('data-seq', second!);
    await expect(trace.detail()).toBeHidden();
    await page.keyboard.press('Enter');
    await expect(trace.detail()).toBeVisible();
    await expect(trace.detail()).toHaveAttribute('aria-label', `Message ${second}`);
    // Copy puts the message on the clipboard exactly as on the wire (CRLF line ends included).
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: harness.server.origin });
    await trace.detail().getByTestId('trace-copy').click();
    await expect(trace.detail().getByRole('status')).toHaveText('Copied.');
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const startLine = await trace.detail().locator('.raw-start').innerText();
    expect(copied.startsWith(`${startLine}\r\n`)).toBe(true);
    expect(copied).toMatch(/\r\n\r\n/);
    await trace.list().focus();
    await page.keyboard.press('Escape');
    await expect(trace.detail()).toBeHidden();

    await page.keyboard.press('/');
    await expect(trace.search()).toBeFocused();
    await page.keyboard.type('REGISTER');
    await expect(trace.rowsLabelled('REGISTER').first()).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(trace.list()).toBeFocused();
  });

  test('given pause, then new messages wait until resume; given clear, then the list empties and keeps recording', async ({
    app,
    harness,
    page,
  }) => {
    const trace = new TracePane(page, app);
    await expect(app.connectionStatus()).toContainText('Registered with');
    await trace.open();
    await expect(trace.rows().first()).toBeVisible();
    const environment = harness.service.demoEnvironment!;

    await trace.pause().click();
    await expect(trace.pause()).toHaveAttribute('aria-pressed', 'true');
    const shown = await trace.rows().count();
    await environment.changeNow(environment.colleagues[1]!.aor);
    await expect(trace.root.getByText(/Paused — \d+ new/)).toBeVisible();
    expect(await trace.rows().count()).toBe(shown);
    await trace.pause().click();
    await expect.poll(() => trace.rows().count()).toBeGreaterThan(shown);

    await trace.clear().click();
    await expect(trace.rows()).toHaveCount(0);
    await expect(trace.count()).toHaveText('0 messages');
    await environment.changeNow(environment.colleagues[1]!.aor);
    await expect(trace.rowsLabelled('NOTIFY').first()).toBeVisible();
  });

  test('given the user scrolls up, then new messages do not move the list until "Latest"', async ({ app, harness, page }) => {
    await page.setViewportSize({ width: 1180, height: 640 });
    const trace = new TracePane(page, app);
    await expect(app.connectionStatus()).toContainText('Registered with');
    await trace.open();
    await expect.poll(() => trace.rows().count()).toBeGreaterThan(16);
    const latest = trace.root.getByRole('button', { name: '↓ Latest' });
    await expect(latest).toBeHidden();

    await trace.list().evaluate((list) => list.scrollTo({ top: 0 }));
    await expect(latest).toBeVisible();
    const firstSeq = Number(await trace.rows().first().getAttribute('data-seq'));
    const before = await trace.count().innerText();
    const environment = harness.service.demoEnvironment!;
    await environment.changeNow(environment.colleagues[2]!.aor);
    await expect(trace.count()).not.toHaveText(before);
    await expect(trace.row(firstSeq)).toBeInViewport();

    await latest.click();
    await expect(latest).toBeHidden();
    const newest = Math.max(...(await trace.rows().evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-seq'))))));
    await expect(trace.row(newest)).toBeInViewport();
    await expect(trace.row(firstSeq)).not.toBeInViewport();
  });

  test('given an invalid regular expression, then the field says why and the list is not broken', async ({ app, page }) => {
    const trace = new TracePane(page, app);
    await expect(app.connectionStatus()).toContainText('Registered with');
    await trace.open();
    await trace.regex().check();
    await trace.search().fill('SIP-ETag: (');
    await expect(trace.root.getByRole('alert')).toContainText('Not a valid regular expression');
    await expect(trace.rows().first()).toBeVisible();
    await trace.search().fill('^SIP/2\\.0 200 .*\\r\\n(.*\\r\\n)*SIP-ETag: ');
    await expect(trace.root.getByRole('alert')).toBeHidden();
    await expect(trace.rowsLabelled('200 OK').first()).toBeVisible();
    await expect(trace.rows()).toHaveCount(await trace.rowsLabelled('200 OK').count());
  });
});
