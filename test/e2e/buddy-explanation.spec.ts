/**
 * "Why is this buddy offline?" end to end: the real renderer in Chromium, the real PresenceService running the
 * offline demo on the built-in compositor (which serves only the demo domain and answers 404 for any other), and
 * the buddy's real subscription. Nothing is mocked. The disclosure explains from the subscription's history, and
 * "Show in trace" opens that subscription's ladder in the trace tab.
 */
import type { Locator } from '@playwright/test';
import { DEMO_DOMAIN } from '../../electron/service/demo/demo-environment';
import { expect, test, type MainWindow } from './fixtures';
import { TracePane } from './trace-pane';

const STRANGER = 'sip:carol@elsewhere.invalid';
const NOBODY = `sip:nobody@${DEMO_DOMAIN}`;

/** Adds a buddy through the add dialog. */
async function addBuddy(app: MainWindow, aor: string, name: string): Promise<void> {
  const dialog = await app.openAddBuddy();
  await dialog.address().fill(aor);
  await dialog.name().fill(name);
  await dialog.submit().click();
  await expect(dialog.root).toBeHidden();
}

/** The ladder's arrows whose method or status reads `label`. */
function arrowLabelled(trace: TracePane, label: string): Locator {
  return trace.root.locator(`[data-testid="ladder-arrow"][data-label="${label}"]`);
}

/** The buddy's explanation disclosure, opened. */
async function openExplanation(app: MainWindow, aor: string, question: string | RegExp): Promise<Locator> {
  await app.openBuddyDetails(aor);
  const disclosure = app.buddyRow(aor).getByTestId('buddy-explanation');
  await disclosure.getByText(question).click();
  const body = disclosure.getByTestId('buddy-explanation-body');
  await expect(body).toBeVisible();
  return body;
}

test.describe('why a buddy is offline', () => {
  test('given an address the server does not serve, when the user asks why, then it says 404 and shows the SUBSCRIBE and its 404 in the ladder', async ({
    app,
    harness,
    page,
  }, testInfo) => {
    await expect(app.connectionStatus()).toContainText('Registered with');
    await addBuddy(app, STRANGER, 'Carol');
    // A 404 reads as a short state; the server's words are in the details and in the explanation.
    await expect(app.buddyStatus(STRANGER)).toHaveText('Unknown address');

    const explanation = await openExplanation(app, STRANGER, 'Why “Unknown address”?');
    await expect(explanation).toHaveAttribute('data-cause', 'refused');
    await expect(explanation.getByTestId('buddy-explanation-headline')).toHaveText(
      new RegExp(`^The server does not know ${STRANGER} \\(404 Not Found`),
    );
    await expect(explanation).toContainText('there is no such user on this server');
    await expect(explanation).toContainText(/Presently asks again in \d+ (s|min)\./);
    await app.screenshot(testInfo, 'explanation-refused');

    await explanation.getByRole('button', { name: 'Show in trace' }).click();
    const trace = new TracePane(page, app);
    await expect(app.tab('SIP trace')).toHaveAttribute('aria-selected', 'true');
    await expect(trace.ladder()).toBeVisible();
    await expect(trace.ladder()).toContainText(`Subscription to ${STRANGER}`);
    await expect(trace.arrows().first()).toHaveAttribute('data-label', 'SUBSCRIBE');
    await expect(trace.arrows().nth(1)).toHaveAttribute('data-label', /^404 Not Found/);
    await app.screenshot(testInfo, 'explanation-refused-ladder');
    expect(harness.internalErrors).toEqual([]);
  });

  test('given an address nobody publishes for, when the user asks why it is offline, then no device publishes, and the ladder shows its NOTIFY', async ({
    app,
    harness,
    page,
  }, testInfo) => {
    await expect(app.connectionStatus()).toContainText('Registered with');
    await addBuddy(app, NOBODY, 'Nobody');
    await expect(app.buddyStatus(NOBODY)).toHaveText('Offline');

    const explanation = await openExplanation(app, NOBODY, 'Why is this buddy offline?');
    await expect(explanation).toHaveAttribute('data-cause', 'no-publication');
    await expect(explanation.getByTestId('buddy-explanation-headline')).toHaveText("No device of Nobody's is publishing presence");
    await expect(explanation).toContainText(`The subscription is active, but the server holds no publication for ${NOBODY}`);
    await app.screenshot(testInfo, 'explanation-no-publication');

    await explanation.getByRole('button', { name: 'Show in trace' }).click();
    const trace = new TracePane(page, app);
    await expect(trace.ladder()).toBeVisible();
    await expect(trace.ladder()).toContainText(`Subscription to ${NOBODY}`);
    await expect(trace.arrows().first()).toHaveAttribute('data-label', 'SUBSCRIBE');
    await expect(arrowLabelled(trace, '200 OK').first()).toBeVisible();
    await expect(arrowLabelled(trace, 'NOTIFY').first()).toBeVisible();
    await app.screenshot(testInfo, 'explanation-no-publication-ladder');
    expect(harness.internalErrors).toEqual([]);
  });
});
