/**
 * The main screen for everyday use, at the sizes people run it (800×600 and 1366×768) in light and dark: enough
 * buddies visible in the compact list, a header that says what watchers see (not merely what was chosen), one click
 * to set a status, the demo's colleagues recognised when added again, and no serious accessibility violations on
 * the main screen and the status picker. The real core, the built-in compositor and its colleagues behind the real
 * renderer; nothing is mocked. What appear-offline puts on the wire is checked in
 * test/integration/sip/publication.test.ts (the PUBLISH body as a scripted server receives it).
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { DEMO_DOMAIN } from '../../electron/service/demo/demo-environment';
import { expect, test, type MainWindow } from './fixtures';

const SIZES = [
  { width: 800, height: 600 },
  { width: 1366, height: 768 },
] as const;
const THEMES = ['light', 'dark'] as const;

/** How many buddy rows are wholly inside the window. */
async function visibleRowCount(page: Page): Promise<number> {
  return page.getByTestId('buddy-row').evaluateAll(
    (rows) =>
      rows.filter((row) => {
        const box = row.getBoundingClientRect();
        return box.height > 0 && box.top >= 0 && box.bottom <= window.innerHeight;
      }).length,
  );
}

/** Serious and critical axe violations on the page as it is now, as "rule: target" lines. */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) => violation.nodes.map((node) => `${violation.id}: ${node.target.join(' ')}`));
}

/** Adds buddies through the same `window.presence` the dialog uses, so the list has more rows than the demo's. */
async function addBuddies(page: Page, count: number): Promise<void> {
  await page.evaluate(
    async ({ n, domain }) => {
      for (let i = 1; i <= n; i += 1)
        await window.presence!.addBuddy({ aor: `sip:colleague${i}@${domain}`, displayName: `Colleague ${i}`, group: '' });
    },
    { n: count, domain: DEMO_DOMAIN },
  );
}

async function waitForDemo(app: MainWindow, colleagues: number): Promise<void> {
  await expect(app.connectionStatus()).toContainText('published');
  await expect(app.buddyRows()).toHaveCount(colleagues);
}

test.describe('the main screen for everyday use', () => {
  for (const size of SIZES) {
    for (const theme of THEMES) {
      test(`at ${size.width}×${size.height} in ${theme}, the compact list shows at least eight buddies and nothing serious fails axe`, async ({
        app,
        page,
        harness,
      }, testInfo) => {
        await page.setViewportSize(size);
        await page.emulateMedia({ colorScheme: theme });
        const colleagues = harness.service.demoEnvironment!.colleagues.length;
        await waitForDemo(app, colleagues);
        await addBuddies(page, 10 - colleagues);
        await expect(app.buddyRows()).toHaveCount(10);
        expect(await visibleRowCount(page)).toBeGreaterThanOrEqual(8);
        await app.screenshot(testInfo, `main-${size.width}x${size.height}-${theme}`);
        expect(await seriousViolations(page)).toEqual([]);

        const picker = await app.openStatusPicker();
        await app.screenshot(testInfo, `picker-${size.width}x${size.height}-${theme}`);
        expect(await seriousViolations(page)).toEqual([]);
        await page.keyboard.press('Escape');
        await expect(picker.root).toBeHidden();

        await app.tab('SIP trace').click();
        // The demo's line belongs to the buddy list, not to the trace.
        await expect(app.demoBanner()).toBeHidden();
        await app.screenshot(testInfo, `trace-${size.width}x${size.height}-${theme}`);
      });
    }
  }

  test('at the window’s minimum size (720×480, electron/desktop/window-state-bounds.ts), nothing is clipped', async ({
    app,
    page,
    harness,
  }, testInfo) => {
    await page.setViewportSize({ width: 720, height: 480 });
    await waitForDemo(app, harness.service.demoEnvironment!.colleagues.length);
    const inside = async (name: string, locator: ReturnType<Page['locator']>) => {
      const box = await locator.boundingBox();
      expect(box, name).not.toBeNull();
      expect(box!.x, name).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width, name).toBeLessThanOrEqual(720);
    };
    await inside('status', app.selfStatus());
    await inside('settings', app.settingsButton());
    await inside('add buddy', app.addBuddyButton());
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(720);
    expect(await visibleRowCount(page)).toBeGreaterThanOrEqual(5);
    await app.screenshot(testInfo, 'main-720x480');
    const picker = await app.openStatusPicker();
    await inside('Appear offline', picker.status('Appear offline'));
    await app.screenshot(testInfo, 'picker-720x480');
  });

  test('one click on Busy publishes it, and the header shows what the server accepted', async ({ app, harness }) => {
    await waitForDemo(app, harness.service.demoEnvironment!.colleagues.length);
    const picker = await app.openStatusPicker();
    await picker.status('Busy').click();
    await expect(picker.root).toBeHidden();
    await expect(app.selfStatus()).toContainText('Busy');
    await expect(app.selfStatus()).not.toHaveClass(/is-unpublished/);
    await expect(app.selfStatus().locator('.status-dot')).toHaveAttribute('data-glyph', 'minus');
    expect(harness.service.desktopView.self).toMatchObject({ status: 'busy', publication: { phase: 'published', status: 'busy' } });
  });

  test('a timed choice sends when it ends', async ({ app, harness }) => {
    await waitForDemo(app, harness.service.demoEnvironment!.colleagues.length);
    // Main's handling of `until` is another change; here only what the window sends is looked at, at the service's door.
    const { service } = harness;
    const sent: unknown[] = [];
    const setStatus = service.setStatus.bind(service);
    service.setStatus = (choice) => {
      sent.push(choice);
      return setStatus(choice);
    };
    const picker = await app.openStatusPicker();
    await picker.duration('For 1 h').check();
    const before = Date.now();
    await picker.status('In a meeting').click();
    await expect(app.selfStatus()).toContainText('In a meeting');
    expect(sent).toHaveLength(1);
    const { until } = sent[0] as { until: number };
    expect(until).toBeGreaterThanOrEqual(before + 3_600_000 - 5_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  test('appear offline says that colleagues see you offline and that the note is not sent', async ({ app, harness }) => {
    await waitForDemo(app, harness.service.demoEnvironment!.colleagues.length);
    const picker = await app.openStatusPicker();
    await expect(picker.status('Appear offline')).toHaveAccessibleDescription('Colleagues see you offline; your note is not sent.');
  });

  test('adding a demo colleague by a bare name completes the domain and keeps the colleague’s name', async ({ app, harness }) => {
    const ada = harness.service.demoEnvironment!.colleagues.find((c) => c.aor === `sip:ada@${DEMO_DOMAIN}`)!;
    await waitForDemo(app, harness.service.demoEnvironment!.colleagues.length);
    const dialog = await app.openAddBuddy();
    await dialog.address().fill('ada');
    await expect(dialog.root).toContainText(`ada → sip:ada@${DEMO_DOMAIN}`);
    await dialog.submit().click();
    await expect(dialog.root).toBeHidden();
    await expect(app.buddyRow(ada.aor)).toContainText(ada.name);
    await expect(app.buddyRows()).toHaveCount(harness.service.demoEnvironment!.colleagues.length);
  });
});

test.describe('the header without a reachable server', () => {
  test.use({ harnessOptions: {} });

  test('with no account it says not published and is dimmed; with a server that refuses connections, the same, with the reason', async ({
    app,
  }, testInfo) => {
    await expect(app.selfStatus()).toContainText('Not published — not signed in');
    await expect(app.selfStatus()).toHaveClass(/is-unpublished/);
    await expect(app.selfStatus()).not.toContainText(/^Available/);

    const dialog = await app.openAddBuddy();
    await dialog.address().fill('bob');
    await dialog.submit().click();
    await expect(dialog.addressError()).toHaveText('“bob” has no domain: add an @ and the domain, like sip:bob@example.com.');
    await app.page.keyboard.press('Escape');

    const settings = await app.openSettings();
    // Port 1 on loopback: nothing listens, so TCP is refused at once.
    await settings.fill({ aor: 'sip:alice@example.com', server: '127.0.0.1:1', transport: 'TCP' });
    await settings.save().click();
    // Saving first registers once: the dialog stays open with why, and nothing was published meanwhile.
    await expect(settings.root.getByText(/Not saved/)).toBeVisible();
    await expect(app.selfStatus()).toContainText('Not published');
    // Without registration the account is saved as it is, and the header says why nothing is published.
    await settings.root.getByLabel('Register with the server').uncheck();
    await settings.save().click();
    await expect(settings.root).toBeHidden();
    await expect(app.selfStatus()).toContainText('Not published — the server cannot be reached');
    await expect(app.selfStatus()).toHaveClass(/is-unpublished/);
    for (const theme of THEMES) {
      await app.page.emulateMedia({ colorScheme: theme });
      await app.screenshot(testInfo, `unreachable-${theme}`);
    }
  });
});
