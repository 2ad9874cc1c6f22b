/**
 * The window for everyday use: the SIP trace pane and the account settings at the sizes people use
 * (800×600, 1366×768), light and dark. The built renderer in Chromium, the real service, the offline
 * demo on the real built-in compositor, and for "Test connection" a second real compositor as the
 * user's server (and a loopback port where nothing listens). Nothing is mocked. Screenshots are attached.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { startCompositor, type RunningCompositor } from '../../electron/compositor';
import { freePort } from '../support/net/free-port';
import { expect, test, type MainWindow } from './fixtures';
import { TracePane } from './trace-pane';

const SIZES = [
  { width: 800, height: 600 },
  { width: 1366, height: 768 },
] as const;

/** Serious and critical accessibility violations inside `selector`, as "rule: target" lines. */
async function seriousViolations(page: Page, selector: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include(selector).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((node) => `${v.id}: ${node.target.join(' ')}`));
}

/** The trace open, with a NOTIFY (and so its PIDF card) shown under the list. */
async function traceWithNotifyOpen(app: MainWindow, trace: TracePane): Promise<void> {
  await expect(app.connectionStatus()).toContainText('Registered with');
  await trace.open();
  await expect(trace.presenceNotifies().first()).toBeVisible();
  await trace.presenceNotifies().first().click();
  await expect(trace.detail()).toBeVisible();
}

test.describe('the trace pane for everyday use', () => {
  test('given an 800 px window, then the grid does not scroll sideways, From → To shows whole user parts with the URIs on hover, and the constant Local ↔ remote is hidden', async ({
    app,
    page,
  }) => {
    await page.setViewportSize(SIZES[0]);
    const trace = new TracePane(page, app);
    await traceWithNotifyOpen(app, trace);

    const list = trace.list();
    const overflow = await list.evaluate((element) => element.scrollWidth - element.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expect(list.getByRole('columnheader', { name: 'From → To' })).toBeVisible();
    await expect(list.getByRole('columnheader', { name: 'Local ↔ remote' })).toHaveCount(0);

    const cell = trace.rowsLabelled('NOTIFY').first().getByTestId('trace-row-fromTo');
    await expect(cell).toHaveText(/^[^\s@:]+ → [^\s@:]+$/);
    await expect(cell).toHaveAttribute('title', /^sips?:\S+@\S+ → sips?:\S+@\S+$/);
    expect(await cell.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);

    // The Methods menu offers only what the trace holds, with counts.
    await trace.methods().locator('summary').click();
    await expect(trace.methodCheckbox('NOTIFY')).toBeVisible();
    await expect(trace.methods().getByRole('checkbox', { name: /^PRACK / })).toHaveCount(0);
    await trace.methods().locator('summary').click();

    // The search box keeps its width when a filter is set ("Clear filters" appears beside it).
    const before = (await trace.search().boundingBox())!.width;
    await trace.direction().selectOption({ label: 'Received' });
    await expect(trace.clearFilters()).toBeVisible();
    expect((await trace.search().boundingBox())!.width).toBeGreaterThanOrEqual(before - 1);
  });

  test('given a column hidden and another resized, when the window reloads, then they stay so', async ({ app, page }) => {
    const trace = new TracePane(page, app);
    await expect(app.connectionStatus()).toContainText('Registered with');
    await trace.open();
    await expect(trace.rows().first()).toBeVisible();

    await trace.columnChooser().locator('summary').click();
    await trace.columnChooser().getByRole('checkbox', { name: 'Call-ID' }).uncheck();
    await trace.columnChooser().locator('summary').click();
    await expect(trace.list().getByRole('columnheader', { name: 'Call-ID' })).toHaveCount(0);

    const resizer = trace.columnResizer('CSeq');
    const width = Number(await resizer.getAttribute('aria-valuenow'));
    await resizer.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await expect(resizer).toHaveAttribute('aria-valuenow', String(width + 16));
    // And by pointer: drag the Event column's edge 40 px to the right.
    const eventEdge = (await trace.columnResizer('Event').boundingBox())!;
    await page.mouse.move(eventEdge.x + eventEdge.width / 2, eventEdge.y + eventEdge.height / 2);
    await page.mouse.down();
    await page.mouse.move(eventEdge.x + eventEdge.width / 2 + 40, eventEdge.y + eventEdge.height / 2, { steps: 4 });
    await page.mouse.up();
    const eventWidth = Number(await trace.columnResizer('Event').getAttribute('aria-valuenow'));
    expect(eventWidth).toBeGreaterThan(66 + 30);
    const cseqHeader = trace.list().getByRole('columnheader', { name: 'CSeq' });
    const headerWidth = (await cseqHeader.boundingBox())!.width;

    await page.reload();
    await expect(app.connectionStatus()).toContainText('Registered with');
    await trace.open();
    await expect(trace.rows().first()).toBeVisible();
    await expect(trace.list().getByRole('columnheader', { name: 'Call-ID' })).toHaveCount(0);
    await expect(trace.columnResizer('CSeq')).toHaveAttribute('aria-valuenow', String(width + 16));
    await expect(trace.columnResizer('Event')).toHaveAttribute('aria-valuenow', String(eventWidth));
    expect(Math.round((await cseqHeader.boundingBox())!.width)).toBe(Math.round(headerWidth));
  });

  test('given a message open, then the splitter between list and message moves with the keyboard, and the raw view wraps unless told not to', async ({
    app,
    page,
  }) => {
    await page.setViewportSize(SIZES[1]);
    const trace = new TracePane(page, app);
    await traceWithNotifyOpen(app, trace);
    const splitter = trace.splitter();
    const panel = trace.root.getByTestId('trace-panel-bottom');
    const share = Number(await splitter.getAttribute('aria-valuenow'));
    const height = (await panel.boundingBox())!.height;

    await splitter.focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await expect(splitter).toHaveAttribute('aria-valuenow', String(share + 10));
    expect((await panel.boundingBox())!.height).toBeGreaterThan(height + 30);
    await page.keyboard.press('ArrowDown');
    await expect(splitter).toHaveAttribute('aria-valuenow', String(share + 5));

    const raw = trace.raw();
    expect(await raw.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
    await trace.root.getByTestId('trace-wrap').uncheck();
    await expect(raw).toHaveCSS('white-space', 'pre');
    await expect(trace.decoded()).toBeVisible();
    // The PIDF card keeps its device lines inside.
    expect(await trace.decoded().evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
  });

  test('given light and dark at 800×600 and 1366×768, then the trace pane has no serious accessibility violations, with screenshots', async ({
    app,
    page,
  }, testInfo) => {
    // Four axe runs and screenshots on a shared machine.
    test.slow();
    const trace = new TracePane(page, app);
    await traceWithNotifyOpen(app, trace);
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await app.screenshot(testInfo, `trace-${colorScheme}-${size.width}x${size.height}`);
        expect(await seriousViolations(page, '[data-testid="trace-pane"]')).toEqual([]);
      }
    }
  });
});

test.describe('the account settings for everyday use', () => {
  let server: RunningCompositor;
  test.beforeEach(async () => {
    server = await startCompositor({ host: '127.0.0.1', udpPort: null, tcpPort: 0, wsPort: null, domains: ['example.org'] });
  });
  test.afterEach(async () => {
    await server.stop();
  });

  test('given the settings at 800×600, then focus starts on the SIP address, the buttons are in view, and an invalid field far down is scrolled into view above them', async ({
    app,
    page,
  }, testInfo) => {
    // Four axe runs and screenshots on a shared machine.
    test.slow();
    await page.setViewportSize(SIZES[0]);
    const settings = await app.openSettings();
    await expect(settings.field('SIP address')).toBeFocused();
    await expect(settings.save()).toBeInViewport({ ratio: 1 });

    await settings.fill({ aor: 'sip:alice@example.org', server: `127.0.0.1:${server.addresses.tcp!.port}`, transport: 'TCP' });
    const expiry = settings.field('Subscription expiry (s)');
    await expiry.fill('3');
    await settings.field('SIP address').focus();
    await settings.save().click();
    await expect(expiry).toBeFocused();
    await expect(expiry).toBeInViewport({ ratio: 1 });
    const field = (await expiry.boundingBox())!;
    const buttons = (await settings.save().boundingBox())!;
    expect(field.y + field.height).toBeLessThanOrEqual(buttons.y);

    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await app.screenshot(testInfo, `settings-${colorScheme}-${size.width}x${size.height}`);
        expect(await seriousViolations(page, '[data-testid="settings-dialog"]')).toEqual([]);
      }
    }
  });

  test('given Test connection, then it reports the registration with the built-in server, and for a dead port the problem; the demo runs on', async ({
    app,
  }) => {
    await expect(app.connectionStatus()).toContainText('Registered with');
    const settings = await app.openSettings();
    await settings.fill({ aor: 'sip:alice@example.org', server: `127.0.0.1:${server.addresses.tcp!.port}`, transport: 'TCP' });
    await settings.testConnection().click();
    await expect(settings.testResult()).toHaveText(/^Registered with Presently’s built-in server \S+ in \d+ ms\.$/);

    const dead = await freePort();
    await settings.field('Server').fill(`127.0.0.1:${dead}`);
    await expect(settings.testResult()).toHaveText('');
    await settings.testConnection().click();
    await expect(settings.testResult()).not.toHaveText(/Registering|^$/, { timeout: 20_000 });
    await expect(settings.testResult()).not.toHaveText(/^Registered with/);
    await expect(settings.root).toBeVisible();
    await expect(app.demoBanner()).toBeVisible();
  });

  test('given Save with a server that is not there, then the dialog stays open with the reason and the demo and its buddies stay', async ({
    app,
  }) => {
    await expect(app.connectionStatus()).toContainText('Registered with');
    await expect(app.buddyRows().first()).toBeVisible();
    const buddies = await app.buddyRows().count();
    const settings = await app.openSettings();
    const dead = await freePort();
    await settings.fill({ aor: 'sip:alice@example.org', server: `127.0.0.1:${dead}`, transport: 'TCP' });
    await settings.save().click();
    await expect(settings.failure()).toContainText('Not saved:', { timeout: 20_000 });
    await expect(settings.root).toBeVisible();
    await expect(settings.save()).toBeEnabled();
    await expect(app.demoBanner()).toBeVisible();
    await expect(app.buddyRows()).toHaveCount(buddies);

    // With the server there, Save connects and closes.
    await settings.field('Server').fill(`127.0.0.1:${server.addresses.tcp!.port}`);
    await settings.save().click();
    await expect(settings.root).toBeHidden();
    await expect(app.connectionStatus()).toContainText(`Registered with sip:127.0.0.1:${server.addresses.tcp!.port}`);
  });
});
