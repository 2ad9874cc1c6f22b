/**
 * Playwright fixtures and page objects.
 *
 * - `harness`: the real core behind the real renderer, with a fresh data folder per test. Options come
 *   from `harnessOptions` (`test.use({ harnessOptions: { … } })`); the default runs the offline demo
 *   on the real compositor, as `npm start` does with no account.
 * - `app`: the page object for the main window, opened on the harness. Selectors live in the page
 *   objects (by role, label or data-testid), not in the tests.
 */
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { startCompositorDemo } from '../../electron/service/demo/compositor-demo';
import { startPresenceHarness, type HarnessOptions, type PresenceHarness } from '../support/presence-harness';

/** The status picker dialog. */
export class StatusPicker {
  readonly root: Locator;
  constructor(readonly page: Page) {
    this.root = page.getByTestId('status-picker');
  }
  /** A status in the picker's menu: one click publishes it. */
  readonly status = (label: string) => this.root.getByRole('menuitemradio', { name: label, exact: true });
  readonly duration = (label: string) => this.root.getByRole('radio', { name: label, exact: true });
  readonly note = () => this.root.getByRole('textbox', { name: 'Note' });
  readonly noteCount = () => this.root.locator('#status-note-count');
  readonly clearNote = () => this.root.getByRole('button', { name: 'Clear note' });
  readonly recentNote = (note: string) => this.root.getByRole('button', { name: `Use note “${note}”` });
  readonly publication = () => this.root.getByTestId('publication-status');
  readonly untilTime = () => this.root.getByLabel('Ends at');
  readonly untilTimeError = () => this.root.getByTestId('status-until-time-error');
  readonly why = () => this.root.getByTestId('status-why');

  /** Writes the note, then publishes it with a status (one click). */
  async choose(label: string, note: string): Promise<void> {
    await this.note().fill(note);
    await this.status(label).click();
  }
}

/** The add/edit buddy dialog. */
export class BuddyDialog {
  readonly root: Locator;
  constructor(readonly page: Page) {
    this.root = page.getByTestId('buddy-dialog');
  }
  readonly address = () => this.root.getByRole('textbox', { name: 'SIP address' });
  readonly name = () => this.root.getByRole('textbox', { name: 'Name' });
  readonly group = () => this.root.getByRole('combobox', { name: 'Group' });
  readonly addressError = () => this.root.getByTestId('buddy-aor-error');
  readonly failure = () => this.root.getByTestId('buddy-dialog-error');
  readonly submit = () => this.root.getByRole('button', { name: /^(Add buddy|Save)$/ });
}

/** The account settings dialog. */
export class SettingsDialog {
  readonly root: Locator;
  constructor(readonly page: Page) {
    this.root = page.getByTestId('settings-dialog');
  }
  readonly field = (label: string) => this.root.getByLabel(label, { exact: true });
  readonly transport = () => this.root.getByRole('combobox', { name: 'Transport' });
  readonly fieldError = (id: string) => this.root.getByTestId(`${id}-error`);
  readonly failure = () => this.root.getByTestId('settings-error');
  readonly save = () => this.root.getByRole('button', { name: 'Save and connect' });
  readonly testConnection = () => this.root.getByRole('button', { name: 'Test connection' });
  readonly testResult = () => this.root.getByTestId('settings-test-result');

  /** Fills the account form; fields not given keep what the form shows. */
  async fill(account: {
    displayName?: string;
    aor: string;
    authUser?: string;
    password?: string;
    server: string;
    transport: 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS';
    xcapRoot?: string;
  }): Promise<void> {
    if (account.displayName !== undefined) await this.field('Display name').fill(account.displayName);
    await this.field('SIP address').fill(account.aor);
    if (account.authUser !== undefined) await this.field('Authentication user').fill(account.authUser);
    if (account.password !== undefined) await this.field('Password').fill(account.password);
    await this.field('Server').fill(account.server);
    await this.transport().selectOption({ label: account.transport });
    if (account.xcapRoot !== undefined) await this.field('XCAP root (who may watch you)').fill(account.xcapRoot);
  }
}

/** The prompts for people asking to see our presence, and the "Who can see you" tab. */
export class WatcherViews {
  constructor(readonly page: Page) {}
  /** The prompt for the watcher named `name` ("Ana wants to see your presence"). */
  readonly prompt = (name: string) => this.page.getByRole('group', { name: `${name} wants to see your presence`, exact: false });
  readonly prompts = () => this.page.getByTestId('watcher-prompt');
  readonly list = () => this.page.getByTestId('who-can-see-you');
  readonly row = (uri: string) => this.page.locator(`[data-testid="watcher-row"][data-uri="${uri}"]`);
  readonly rowState = (uri: string) => this.row(uri).getByTestId('watcher-state');
  readonly availability = () => this.page.getByTestId('watchers-availability');
}

/** The main window. */
export class MainWindow {
  readonly statusPicker: StatusPicker;
  readonly buddyDialog: BuddyDialog;
  readonly settings: SettingsDialog;
  readonly watchers: WatcherViews;
  constructor(readonly page: Page) {
    this.watchers = new WatcherViews(page);
    this.statusPicker = new StatusPicker(page);
    this.buddyDialog = new BuddyDialog(page);
    this.settings = new SettingsDialog(page);
  }
  /** In the About disclosure: attached once the handshake is done, visible once About is opened. */
  readonly handshakeStatus = () => this.page.getByTestId('handshake-status');
  readonly version = () => this.page.getByTestId('app-version');
  readonly notices = () => this.page.getByTestId('notices');
  readonly demoBanner = () => this.page.getByTestId('demo-banner');
  readonly connectionStatus = () => this.page.getByTestId('connection-status');
  readonly serverProfile = () => this.page.getByTestId('server-profile');
  readonly selfStatus = () => this.page.getByTestId('self-status');
  readonly settingsButton = () => this.page.getByRole('button', { name: 'Settings', exact: true });
  readonly addBuddyButton = () => this.page.getByRole('button', { name: 'Add buddy' });
  readonly search = () => this.page.getByRole('searchbox', { name: 'Search buddies' });
  readonly buddyRows = () => this.page.getByTestId('buddy-row');
  readonly buddyRow = (aor: string) => this.page.locator(`[data-testid="buddy-row"][data-aor="${aor}"]`);
  readonly buddyStatus = (aor: string) => this.buddyRow(aor).getByTestId('buddy-status');
  readonly buddyNote = (aor: string) => this.buddyRow(aor).getByTestId('buddy-note');
  readonly buddyNoteLanguage = (aor: string) => this.buddyRow(aor).getByTestId('buddy-note-lang');
  /** Opens a buddy's details (address, last change, "Why …?", Edit and Remove). */
  readonly openBuddyDetails = async (aor: string): Promise<void> => {
    const toggle = this.buddyRow(aor).locator('.buddy-details-toggle');
    if ((await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  };
  readonly tab = (name: 'Buddies' | 'Who can see you' | 'SIP trace') => this.page.getByRole('tab', { name });
  /** Presence that stays right: a buddy's bell, published end, staleness and recent changes; the alerts and the header's why. */
  readonly buddyAlertBell = (aor: string) => this.buddyRow(aor).getByTestId('buddy-alert-bell').getByRole('button');
  readonly buddyAlertChoice = (aor: string, label: 'Off' | 'Once' | 'Every time') =>
    this.buddyRow(aor).getByTestId('buddy-alert-choice').getByRole('radio', { name: label, exact: true });
  readonly buddyUntil = (aor: string) => this.buddyRow(aor).getByTestId('buddy-until');
  readonly buddyStale = (aor: string) => this.buddyRow(aor).getByTestId('buddy-stale');
  readonly buddyHistory = (aor: string) => this.buddyRow(aor).getByTestId('buddy-history');
  readonly buddyLastSeen = (aor: string) => this.buddyRow(aor).getByTestId('buddy-last-seen');
  readonly notCurrent = () => this.page.getByTestId('not-current');
  /** Our mailbox in the header (absent when the server reports none), its button named with every count, and its details. */
  readonly voicemail = () => this.page.getByTestId('voicemail');
  readonly voicemailButton = () => this.voicemail().getByRole('button', { name: /^Voicemail:/ });
  readonly voicemailBadge = () => this.voicemail().getByTestId('voicemail-badge');
  readonly voicemailDetails = () => this.page.getByRole('group', { name: 'Voicemail details' });
  /** A buddy's line state (BLF) beside its presence, and the line in its details. */
  readonly buddyLineState = (aor: string) => this.buddyRow(aor).getByTestId('buddy-line-state');
  readonly buddyDetailsLine = (aor: string) => this.buddyRow(aor).getByTestId('buddy-details-line');
  /** In the status line's Server details: how presence reaches the buddy list (one list subscription or one per buddy). */
  readonly buddyFeed = () => this.page.getByTestId('buddy-feed');
  readonly openServerDetails = async (): Promise<void> => {
    const details = this.connectionStatus().locator('details.status-line-details');
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  };
  readonly pageAlerts = () => this.page.getByTestId('page-alert');
  readonly selfStatusWhy = () => this.page.getByTestId('self-status-why');

  async openStatusPicker(): Promise<StatusPicker> {
    await this.selfStatus().click();
    await expect(this.statusPicker.root).toBeVisible();
    return this.statusPicker;
  }

  async openSettings(): Promise<SettingsDialog> {
    await this.settingsButton().click();
    await expect(this.settings.root).toBeVisible();
    return this.settings;
  }

  async openAddBuddy(): Promise<BuddyDialog> {
    await this.addBuddyButton().click();
    await expect(this.buddyDialog.root).toBeVisible();
    return this.buddyDialog;
  }

  /** Saves a full-window screenshot with the test's results and attaches it to the report. */
  async screenshot(
    testInfo: { outputPath(name: string): string; attach(name: string, options: { path: string; contentType: string }): Promise<void> },
    name: string,
  ): Promise<void> {
    const file = testInfo.outputPath(`${name}.png`);
    await this.page.screenshot({ path: file });
    await testInfo.attach(name, { path: file, contentType: 'image/png' });
  }
}

export const test = base.extend<{ harnessOptions: HarnessOptions; harness: PresenceHarness; app: MainWindow }>({
  // The colleagues' own timers are set far out so that only `changeNow` moves them during a test.
  harnessOptions: [{ startDemo: () => startCompositorDemo({ changeIntervalMs: [600_000, 900_000] }) }, { option: true }],
  harness: async ({ harnessOptions }, use) => {
    const harness = await startPresenceHarness(harnessOptions);
    await use(harness);
    await harness.close();
  },
  app: async ({ page, harness }, use) => {
    await harness.open(page);
    await use(new MainWindow(page));
  },
});

export { expect };
