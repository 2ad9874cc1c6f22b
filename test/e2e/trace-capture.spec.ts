/**
 * A capture file opened in the trace tab, end to end: a pcap written by our pcap writer from a whole
 * presence session (registration with digest auth, a publication chain, a subscription) is dropped on
 * the trace tab — the page uploads its bytes to main, which reads it in the background — and shows as
 * "capture: session.pcap" beside the live trace, in the same pane: filter, message, ladder. A file cut
 * short shows what it could read and where it stopped. The drop is a DataTransfer made in the page:
 * Playwright cannot drag a file from the desktop.
 */
import { writePcap } from '../../shared/trace/pcap';
import { presenceSession } from '../unit/shared/trace/sip-fixtures';
import { expect, test } from './fixtures';
import { TracePane } from './trace-pane';

test.describe('a capture file in the trace tab', () => {
  test('given a pcap dropped on the trace tab, then it opens as its own view: filter, ladder, and the live trace untouched', async ({
    app,
    page,
  }, testInfo) => {
    const session = presenceSession().filter((e) => e.raw.trim() !== '');
    const trace = new TracePane(page, app);
    await trace.open();

    await trace.dropFile('session.pcap', writePcap(session, { includeCredentials: true }));
    await expect(page.getByTestId('capture-tab')).toHaveText('capture: session.pcap');
    await expect(page.getByTestId('capture-outcome')).toContainText('Read all of session.pcap');
    await expect(trace.count()).toHaveText(`${session.length} messages`);

    // The filter: only PUBLISH and its answers.
    await trace.onlyMethods('PUBLISH');
    await expect(trace.rowsLabelled('PUBLISH').first()).toBeVisible();
    const cseqs = await trace.rows().getByTestId('trace-row-cseq').allInnerTexts();
    expect(cseqs.length).toBeGreaterThan(0);
    for (const cseq of cseqs) expect(cseq).toMatch(/^\d+ PUBLISH$/);
    await app.screenshot(testInfo, 'capture-filtered');

    // The ladder of the publication, by its ETag chain.
    await trace.rowsLabelled('PUBLISH').first().click();
    await trace.detail().getByRole('button', { name: 'Ladder' }).click();
    await expect(trace.ladder()).toContainText('Publication of sip:alice@example.com (presence)');
    const labels = await trace.arrowLabels();
    expect(labels.slice(0, 2)).toEqual(['PUBLISH (initial)', '200 OK']);
    await app.screenshot(testInfo, 'capture-ladder');

    // The live trace kept its own filter (none: "N messages", not "N of M") and its own messages.
    await page.getByRole('tab', { name: 'Live trace' }).click();
    await expect(trace.count()).toHaveText(/^[\d,]+ messages$/);
    await expect(trace.ladder()).toBeHidden();
    await expect(page.getByTestId('capture-tab')).toBeVisible();
  });

  test('given a pcap cut inside a packet, then the messages before the cut show with where reading stopped', async ({
    app,
    page,
  }, testInfo) => {
    const file = writePcap(presenceSession(), { includeCredentials: true });
    const trace = new TracePane(page, app);
    await trace.open();
    await trace.dropFile('cut.pcap', file.subarray(0, Math.floor(file.length / 2)));
    await expect(page.getByTestId('capture-problem')).toContainText(
      /^Showing what could be read: cut\.pcap stopped being readable at byte [\d,]+ \(packet \d+\): the file ends inside a packet record/,
    );
    await expect(trace.count()).toHaveText(/^\d+ messages$/);
    expect(await trace.rows().count()).toBeGreaterThan(3);
    await app.screenshot(testInfo, 'capture-damaged');
  });
});
