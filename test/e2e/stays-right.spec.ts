/**
 * Presence that stays right by itself, in the window: timed statuses and their countdown, the alert bell and
 * an alert when a colleague turns Available, a buddy's recent changes, a buddy's published end, a stale
 * buddy's look once the server stops, and the automatic Away with its idle threshold from the settings.
 *
 * The real core behind the real renderer, signed in to the built-in compositor over real SIP (the offline
 * demo's world, without its simulated colleagues so that the test's own user agent is the only one
 * publishing and the test may stop the server itself). Alerts reach the page as in the web mode
 * (connectPageAlerts). The one stand-in is the desktop's idle clock: a headless test has no keyboard idle
 * time or screen lock, so the automatic-status test reads a fake ActivitySource.
 */
import { startCompositor, type RunningCompositor } from '../../electron/compositor';
import type { ActivitySource } from '../../electron/service/auto-status-controller';
import { DEMO_DOMAIN } from '../../electron/service/demo/demo-environment';
import type { HarnessOptions } from '../support/presence-harness';
import { connectPageAlerts } from '../../electron/web/web-app';
import { SipPeer } from '../support/sip-watcher';
import { expect, test, type MainWindow } from './fixtures';

const ZOE = `sip:zoe@${DEMO_DOMAIN}`;

/** The server of the running test, to stop it. */
let compositor: RunningCompositor | null = null;

/** The demo's world with no simulated colleagues: the compositor on loopback, signed in to over TCP. */
function worldWithoutColleagues(service: HarnessOptions['service'] = {}): HarnessOptions {
  return {
    service,
    startDemo: async () => {
      const started = await startCompositor({ host: '127.0.0.1', udpPort: 0, tcpPort: 0, wsPort: null, domains: [DEMO_DOMAIN] });
      compositor = started;
      return {
        server: started.addresses.tcp!.uri,
        colleagues: [],
        changeNow: () => Promise.reject(new Error('this world has no simulated colleagues')),
        stop: () => started.stop(),
      };
    },
  };
}

/** Zoe, a second real user agent on the same server, publishing `status`, and added to the list through the dialog. */
async function addZoe(app: MainWindow, server: string): Promise<SipPeer> {
  const zoe = await SipPeer.start({ aor: ZOE, server });
  expect((await zoe.client.setPresence('away', 'Lunch')).phase).toBe('published');
  const dialog = await app.openAddBuddy();
  await dialog.address().fill(`zoe@${DEMO_DOMAIN}`);
  await dialog.name().fill('Zoe');
  await dialog.submit().click();
  await expect(dialog.root).toBeHidden();
  await expect(app.buddyStatus(ZOE)).toHaveText('Away');
  return zoe;
}

test.describe('presence that stays right', () => {
  test.use({ harnessOptions: worldWithoutColleagues() });

  test('timed statuses: every duration is offered, "Until…" asks for a time, and the header counts down to the end', async ({
    app,
  }, testInfo) => {
    await expect(app.connectionStatus()).toContainText('Registered with');
    const picker = await app.openStatusPicker();
    for (const label of ['Until I change it', 'For 30 min', 'For 1 h', 'For 2 h', 'Until end of day', 'Until…'])
      await expect(picker.duration(label)).toHaveCount(1);

    await picker.duration('Until…').check();
    await picker.status('Busy').click();
    await expect(picker.untilTimeError()).toHaveText('Enter the time your status should end, for example 15:00.');
    await expect(picker.root).toBeVisible();

    // Two hours from now on the page's clock, as a time input takes it.
    const inTwoHours = await app.page.evaluate(() => {
      const end = new Date(Date.now() + 2 * 3_600_000);
      return `${String(end.getHours()).padStart(2, '0')}:${String(end.getMinutes()).padStart(2, '0')}`;
    });
    await picker.untilTime().fill(inTwoHours);
    await picker.note().fill('Writing the report');
    await picker.status('Busy').click();
    await expect(picker.root).toBeHidden();
    await expect(app.selfStatus()).toContainText('Busy — Writing the report');
    await expect(app.selfStatusWhy()).toHaveText(/^until .+ · (2 h|1 h 59 min) left$/);
    await app.screenshot(testInfo, 'timed-status-header');

    await app.openStatusPicker();
    await expect(picker.why()).toHaveText(/^Busy until .+ · (2 h|1 h 59 min) left, then your status before returns\.$/);
    await expect(picker.status('Busy')).toHaveAttribute('aria-checked', 'true');
    await app.screenshot(testInfo, 'timed-status-picker');

    await picker.duration('For 30 min').check();
    await picker.status('In a meeting').click();
    await expect(picker.root).toBeHidden();
    await expect(app.selfStatusWhy()).toHaveText(/^until .+ · (30|29) min left$/);
  });

  test('the bell: set by keyboard, a colleague turns Available, the alert shows and the once-bell is off; the details list the changes', async ({
    app,
    harness,
  }, testInfo) => {
    await expect(app.connectionStatus()).toContainText('Registered with');
    const disconnectAlerts = connectPageAlerts(harness.service, () => undefined);
    const zoe = await addZoe(app, harness.service.demoEnvironment!.server);
    try {
      const bell = app.buddyAlertBell(ZOE);
      await expect(bell).toHaveAttribute('aria-pressed', 'false');
      await expect(bell).toHaveAttribute('title', /^Tell me when Zoe is available/);
      await bell.focus();
      await app.page.keyboard.press('Enter');
      await expect(bell).toHaveAttribute('aria-pressed', 'true');
      await expect(bell).toHaveAccessibleName('Tell me when Zoe is available: once, when available next');
      await app.openBuddyDetails(ZOE);
      await expect(app.buddyAlertChoice(ZOE, 'Once')).toBeChecked();
      await app.screenshot(testInfo, 'bell-set');

      expect((await zoe.client.setPresence('available', '')).phase).toBe('published');
      await expect(app.buddyStatus(ZOE)).toHaveText('Available');
      await expect(app.pageAlerts()).toHaveCount(1);
      await expect(app.pageAlerts()).toContainText('Zoe is available');
      // A once-alert is used up.
      await expect(bell).toHaveAttribute('aria-pressed', 'false');
      await expect(app.buddyAlertChoice(ZOE, 'Off')).toBeChecked();
      await app.screenshot(testInfo, 'alert-shown');

      // Every time, chosen in the details: two more turns to Available, two more alerts.
      await app.buddyAlertChoice(ZOE, 'Every time').check();
      await expect(bell).toHaveAttribute('aria-pressed', 'true');
      for (const round of [2, 3]) {
        expect((await zoe.client.setPresence('busy', 'Call')).phase).toBe('published');
        await expect(app.buddyStatus(ZOE)).toHaveText('Busy');
        expect((await zoe.client.setPresence('available', '')).phase).toBe('published');
        await expect(app.pageAlerts()).toHaveCount(round);
      }
      await expect(bell).toHaveAttribute('aria-pressed', 'true');

      // The history: newest first, Away → Available → Busy → … as Zoe published them.
      expect((await zoe.client.setPresence('away', 'Gym')).phase).toBe('published');
      await expect(app.buddyStatus(ZOE)).toHaveText('Away');
      const history = app.buddyHistory(ZOE).getByRole('listitem');
      await expect(history.first()).toContainText('Away — Gym');
      await expect(history).toHaveText([
        /^Away — Gym/,
        /^Available/,
        /^Busy — Call/,
        /^Available/,
        /^Busy — Call/,
        /^Available/,
        /^Away — Lunch/,
      ]);
      await expect(app.buddyLastSeen(ZOE)).toHaveText('last seen available just now');
      await app.screenshot(testInfo, 'history');
    } finally {
      disconnectAlerts();
      await zoe.stop();
    }
  });

  test('a published end shows as "until …"; when the server stops, the buddy is greyed with since when and why, and the header counts it', async ({
    app,
    harness,
  }, testInfo) => {
    await expect(app.connectionStatus()).toContainText('Registered with');
    const zoe = await addZoe(app, harness.service.demoEnvironment!.server);
    try {
      expect((await zoe.client.setPresence('busy', 'Workshop', { until: Date.now() + 3_600_000 })).phase).toBe('published');
      await expect(app.buddyStatus(ZOE)).toHaveText(/^Busy until .+/);
      await expect(app.buddyUntil(ZOE)).toHaveText(/^until .+/);
      await expect(app.notCurrent()).toHaveCount(0);
      await app.screenshot(testInfo, 'buddy-until');

      await compositor!.stop();
      await expect(app.buddyStale(ZOE)).toHaveText(
        /^as of .+ — not updated: (connection lost|subscription not refreshed|the server ended the subscription)$/,
      );
      await expect(app.buddyRow(ZOE)).toHaveAttribute('data-stale', /.+/);
      // Still the last known status, but not drawn as current: the dot loses its colour.
      await expect(app.buddyStatus(ZOE)).toContainText('Busy');
      await expect(app.buddyRow(ZOE).locator('.status-dot').first()).toHaveCSS('filter', 'grayscale(1)');
      await expect(app.notCurrent()).toHaveText('1 not current');
      await app.screenshot(testInfo, 'buddy-stale');
    } finally {
      await zoe.stop();
    }
  });
});

test.describe('automatic status', () => {
  /** The desktop's idle time as the test sets it, in seconds; no lock events. */
  const idle = { seconds: 0 };
  const activity: ActivitySource = { on: () => () => undefined, getSystemIdleTime: () => idle.seconds };
  test.use({ harnessOptions: worldWithoutColleagues({ activity }) });

  test('the idle threshold is set in the settings (a bad entry explained), and the header and picker say why we are Away', async ({
    app,
  }, testInfo) => {
    idle.seconds = 0;
    await expect(app.connectionStatus()).toContainText('Registered with');
    const settings = await app.openSettings();
    const threshold = settings.field('Show Away when idle for (minutes)');
    await expect(threshold).toHaveValue('10');
    await threshold.fill('ten');
    await threshold.press('Tab');
    await expect(settings.fieldError('preference-idle-away-minutes')).toHaveText(
      'Enter whole minutes, like 10; 0 turns automatic Away off (not “ten”).',
    );
    await expect(threshold).toHaveAttribute('aria-invalid', 'true');
    await app.screenshot(testInfo, 'idle-threshold-invalid');
    await threshold.fill('12');
    await threshold.press('Enter');
    await expect(settings.fieldError('preference-idle-away-minutes')).toHaveCount(0);
    // Enter applied the preference without submitting the account form around it.
    await expect(settings.root).toBeVisible();
    await settings.root.getByRole('button', { name: 'Cancel' }).click();

    // 13 minutes without input: past the new threshold, Away comes with the next poll of the idle time.
    idle.seconds = 13 * 60;
    await expect(app.selfStatusWhy()).toHaveText('Away — automatic, idle for 13 min', { timeout: 25_000 });
    await expect(app.selfStatus()).toContainText('Away');
    await app.screenshot(testInfo, 'automatic-away-header');

    const picker = await app.openStatusPicker();
    await expect(picker.why()).toHaveText('Away — automatic, idle for 13 min. Your choice is Available; it returns when you are back.');
    await expect(picker.status('Available')).toHaveAttribute('aria-checked', 'true');
    await expect(picker.status('Away')).toHaveAttribute('aria-checked', 'false');
    await app.screenshot(testInfo, 'automatic-away-picker');
  });
});
