/**
 * Playwright fixtures: `harness` (the real core behind the real renderer) and `app` (the page object).
 * Each test gets its own harness, so no state leaks between tests.
 */
import { test as base, expect, type Page } from '@playwright/test';
import { startPresenceHarness, type PresenceHarness } from '../support/presence-harness';

/** Page object for the main window: selectors live here, not in the tests. */
export class MainWindow {
  constructor(readonly page: Page) {}
  readonly handshakeStatus = () => this.page.getByTestId('handshake-status');
  readonly version = () => this.page.getByTestId('app-version');
  readonly notices = () => this.page.getByTestId('notices');
}

export const test = base.extend<{ harness: PresenceHarness; app: MainWindow }>({
  harness: async ({}, use) => {
    const harness = await startPresenceHarness();
    await use(harness);
    await harness.close();
  },
  app: async ({ page, harness }, use) => {
    await harness.open(page);
    await use(new MainWindow(page));
  },
});

export { expect };
