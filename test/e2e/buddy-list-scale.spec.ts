/**
 * The buddy list with 1,000 buddies: the real core watching 1,000 buddies published beforehand on the built-in
 * compositor, behind the real renderer. Only the rows in view are in the page; scrolling and the keyboard reach the
 * last buddy; search finds one; a buddy's change moves its row. Sorted by name while the NOTIFYs arrive, so rows
 * stay where the steps expect them whatever the machine's speed. No timing assertions (benchmark: `npm run
 * bench:buddy-list`). Nothing is mocked.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { startCompositor, type RunningCompositor } from '../../electron/compositor';
import { DEFAULT_ACCOUNT_SETTINGS } from '../../shared/account/account-settings';
import { benchBuddyAor, publishBuddies } from '../support/compositor/publish-buddies';
import { expect, test } from './fixtures';

const COUNT = 1_000;
/** Far fewer than the list: what fills a tall window, plus the margins drawn above and below. */
const MOST_ROWS_DRAWN = 120;

/** How many rows the page holds. */
const drawnRows = (page: Page) => page.getByTestId('buddy-row').count();

test.describe('the buddy list at scale', () => {
  test.use({ harnessOptions: {} });
  let server: RunningCompositor;

  test.beforeEach(async () => {
    server = await startCompositor({
      host: '127.0.0.1',
      udpPort: 0,
      tcpPort: null,
      wsPort: null,
      limits: { maxSubscriptionsPerWatcher: COUNT },
    });
    const udp = server.addresses.udp!;
    expect(await publishBuddies({ host: udp.host, port: udp.port }, COUNT)).toBe(0);
  });
  test.afterEach(async () => {
    await server.stop();
  });

  test(`given ${COUNT} buddies, then only rows in view are drawn, scrolling, End and search reach any, and a change moves its row`, async ({
    app,
    page,
    harness,
  }, testInfo) => {
    test.setTimeout(240_000);
    // The list as the app saved it (adding 1,000 one by one would send the whole list 1,000 times).
    const buddies = Array.from({ length: COUNT }, (_, i) => ({ aor: benchBuddyAor(i), displayName: `Buddy ${i}`, group: '' }));
    await writeFile(path.join(harness.dataDir, 'buddies.json'), JSON.stringify({ schemaVersion: 2, buddies }));
    await harness.restartService();
    await harness.service.saveAccount({
      ...DEFAULT_ACCOUNT_SETTINGS,
      aor: 'sip:watcher@example.com',
      server: server.addresses.udp!.uri,
      publish: false,
    });
    await expect(app.connectionStatus()).toContainText('Registered with');

    // Sorted by name, the order stays put while the NOTIFYs arrive (on a loaded machine they take a while).
    await page.getByRole('combobox', { name: 'Sort buddies' }).selectOption('name');
    await expect(page.getByRole('heading', { name: `Buddies ${COUNT}` })).toBeVisible();
    expect(await drawnRows(page)).toBeLessThanOrEqual(MOST_ROWS_DRAWN);
    const firstAor = benchBuddyAor(0);
    await expect(app.buddyRows().first()).toHaveAttribute('data-aor', firstAor);
    await expect(app.buddyStatus(firstAor)).toHaveText('Busy', { timeout: 60_000 });
    await app.screenshot(testInfo, 'scale-top');

    // Scrolling to the bottom draws the group's last row, still few rows.
    const lastRow = page.locator(`[data-testid="buddy-row"][aria-posinset="${COUNT}"]`);
    const list = page.getByTestId('buddy-list');
    await expect(async () => {
      await list.evaluate((element) => element.scrollTo({ top: element.scrollHeight }));
      await expect(lastRow).toBeInViewport({ timeout: 500 });
    }).toPass();
    expect(await drawnRows(page)).toBeLessThanOrEqual(MOST_ROWS_DRAWN);
    const last = benchBuddyAor(COUNT - 1);
    await expect(lastRow).toHaveAttribute('data-aor', last);
    await app.screenshot(testInfo, 'scale-bottom');

    // The keyboard: Home goes to the first buddy far above, ↓ to the next, and the row's button is one Tab away.
    await app.buddyRow(last).focus();
    await page.keyboard.press('Home');
    await expect(app.buddyRow(firstAor)).toBeFocused();
    await expect(app.buddyRow(firstAor)).toBeInViewport();
    await page.keyboard.press('ArrowDown');
    const second = page.locator('[data-testid="buddy-row"][aria-posinset="2"]');
    await expect(second).toBeFocused();
    // The row's buttons follow it in tab order: the alert bell, then the details.
    await page.keyboard.press('Tab');
    await expect(second.getByRole('button', { name: /^Tell me when / })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(second.getByRole('button', { name: /^Details of / })).toBeFocused();
    await second.focus();
    await page.keyboard.press('End');
    await expect(app.buddyRow(last)).toBeFocused();
    // Screen readers hear the row's place in the whole group, not in the drawn part.
    await expect(app.buddyRow(last)).toHaveAttribute('aria-setsize', String(COUNT));

    // The focused row stays in the page when scrolled far away, so the focus is not lost.
    await list.evaluate((element) => element.scrollTo({ top: 0 }));
    await expect(app.buddyRow(firstAor)).toBeInViewport();
    await expect(app.buddyRow(last)).toBeFocused();
    await app.search().focus();

    // Search finds one among all, drawn or not.
    await app.search().fill('buddy777@');
    await expect(app.buddyRows()).toHaveCount(1);
    await expect(app.buddyRow(benchBuddyAor(777))).toContainText('Buddy 777');
    await app.search().fill('');

    // Sorted by availability, Buddy 789 becoming available moves its row to the top, above every busy one.
    await page.getByRole('combobox', { name: 'Sort buddies' }).selectOption('availability');
    const udp = server.addresses.udp!;
    expect(await publishBuddies({ host: udp.host, port: udp.port }, 1, 'available', 789)).toBe(0);
    await expect(app.buddyRows().first()).toHaveAttribute('data-aor', benchBuddyAor(789), { timeout: 60_000 });
    await expect(app.buddyStatus(benchBuddyAor(789))).toHaveText('Available');
    await expect(app.buddyRows().nth(1).getByTestId('buddy-status')).toHaveText('Busy');
    await app.screenshot(testInfo, 'scale-moved');
  });
});
