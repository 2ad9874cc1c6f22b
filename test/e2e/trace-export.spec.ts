/**
 * Trace export end to end, against Kamailio 5.6 with digest authentication (so REGISTER carries an
 * Authorization and PUBLISH a Proxy-Authorization header to mask): the account is entered through the
 * settings form, a status is set, and the trace is exported through the pane's export dialog — main
 * writes the file; the harness answers the save dialog with a path in a folder the test owns. The text
 * export is read back, the pcap is read by the real tshark (`.ci/run` installs both Kamailio and
 * tshark).
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { MASK } from '../../shared/trace/credential-mask';
import { summarizeSipMessage } from '../../shared/trace/trace-summary';
import type { SaveFileChooser } from '../../electron/service/trace-export';
import { startKamailio, type RunningKamailio } from '../support/kamailio/kamailio';
import { expect, test } from './fixtures';
import { SaveAsFolder, TracePane } from './trace-pane';

const run = promisify(execFile);

/** The messages of a text export: the heading's sequence number and direction, and the raw message. */
function readTextExport(text: string): { seq: number; direction: string; raw: string }[] {
  const heading = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{6} \S+ -> \S+ (?:UDP|TCP|TLS|WS|WSS) (sent|received) #(\d+)\n/gm;
  const matches = [...text.matchAll(heading)];
  return matches.map((match, i) => {
    const start = match.index + match[0].length;
    const end = i + 1 < matches.length ? matches[i + 1]!.index : text.length;
    // Each message is followed by "\n\n" before the next heading.
    return { seq: Number(match[2]), direction: match[1]!, raw: text.slice(start, end - 2) };
  });
}

/** Method or status, Call-ID and CSeq of each message, as tshark would list them. */
const identities = (raws: readonly string[]) =>
  raws.map((raw) => summarizeSipMessage(raw)).map((s) => `${s.kind === 'request' ? s.method : s.statusCode}|${s.callId}|${s.cseq}`);

// The harness's service asks this chooser where to save; each test points it at its own folder.
let saveAs: SaveAsFolder;
const chooser: SaveFileChooser = { choose: (request) => saveAs.choose(request) };

test.describe('trace export against Kamailio with digest authentication', () => {
  test.use({ harnessOptions: { service: { saveFileChooser: chooser } } });
  const passwords = { alice: 'alice-secret' };
  let kamailio: RunningKamailio;
  test.beforeAll(async () => {
    kamailio = await startKamailio({ transports: ['udp', 'tcp'], users: passwords });
  });
  test.afterAll(async () => {
    await kamailio?.stop();
  });
  test.beforeEach(async () => {
    saveAs = await SaveAsFolder.create();
  });
  test.afterEach(async () => {
    await saveAs.remove();
  });

  test('given a signed-in account with digest auth, when the trace is exported as text and pcap, then the files hold the messages, credentials masked, and tshark lists the same ones', async ({
    app,
    harness,
    page,
  }, testInfo) => {
    const trace = new TracePane(page, app);
    const settings = await app.openSettings();
    await settings.fill({
      aor: `sip:alice@${kamailio.domain}`,
      password: passwords.alice,
      server: `127.0.0.1:${kamailio.ports.tcp!}`,
      transport: 'TCP',
    });
    await settings.save().click();
    await expect(app.connectionStatus()).toContainText('Registered with');
    const note = 'Exporting the trace';
    await (await app.openStatusPicker()).choose('Away', note);
    await expect(app.connectionStatus()).toContainText('published');

    await trace.open();
    await expect(trace.rowsLabelled('PUBLISH').first()).toBeVisible();
    // The challenges and the requests sent again with credentials are all in the list.
    await expect(trace.rowsLabelled('401 Unauthorized').first()).toBeVisible();
    await expect(trace.rowsLabelled('407 Proxy Authentication Required').first()).toBeVisible();

    // Everything, as text, masked (the default).
    const textFile = saveAs.next('trace.txt');
    await trace.exportAs({ format: 'Text', messages: /^Everything recorded/ });
    await expect(trace.exportResult()).toContainText(`to ${textFile}`);
    const text = await readFile(textFile, 'utf8');
    const exported = readTextExport(text);
    expect(exported.length).toBeGreaterThanOrEqual(8);
    expect(exported.map((m) => m.seq)).toEqual(exported.map((_, i) => exported[0]!.seq + i));
    expect(identities(exported.map((m) => m.raw))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^REGISTER\|/),
        expect.stringMatching(/^PUBLISH\|/),
        expect.stringMatching(/^200\|.*PUBLISH$/),
      ]),
    );
    expect(text).toContain(note);
    expect(text).toMatch(new RegExp(`^Authorization: Digest .*username="alice".*response="${MASK}"`, 'm'));
    expect(text).toMatch(new RegExp(`^Proxy-Authorization: Digest .*username="alice".*response="${MASK}"`, 'm'));
    expect(saveAs.asked[0]).toMatchObject({ title: 'Export SIP trace as text', defaultName: expect.stringMatching(/\.txt$/) });

    // The same with credentials on purpose: the real digest responses, none of which the masked file has.
    const unmaskedFile = saveAs.next('unmasked.txt');
    await trace.exportAs({ format: 'Text', messages: /^Everything recorded/, includeCredentials: true });
    await expect(trace.exportResult()).toContainText(`to ${unmaskedFile}`);
    const responses = [...(await readFile(unmaskedFile, 'utf8')).matchAll(/Authorization: Digest .*response="([0-9a-f]{32})"/g)].map(
      (m) => m[1]!,
    );
    expect(responses.length).toBeGreaterThanOrEqual(2);
    for (const response of responses) expect(text).not.toContain(response);

    // pcap: tshark decodes the same messages, in the same order.
    const pcapFile = saveAs.next('trace.pcap');
    await trace.exportAs({ format: 'pcap', messages: /^Everything recorded/ });
    await expect(trace.exportResult()).toContainText(`to ${pcapFile}`);
    const { stdout } = await run('tshark', [
      '-r',
      pcapFile,
      '-Y',
      'sip',
      '-T',
      'fields',
      '-E',
      'separator=|',
      '-e',
      'sip.Method',
      '-e',
      'sip.Status-Code',
      '-e',
      'sip.Call-ID',
      '-e',
      'sip.CSeq',
    ]);
    const listed = stdout
      .trim()
      .split('\n')
      .map((line) => line.split('|'))
      .map(([method, status, callId, cseq]) => `${method || status}|${callId}|${cseq}`);
    // (Anything recorded between the two exports comes after.)
    expect(listed.slice(0, exported.length)).toEqual(identities(exported.map((m) => m.raw)));
    const { stdout: verbose } = await run('tshark', ['-r', pcapFile, '-Y', 'sip.Method == "PUBLISH"', '-V']);
    for (const response of responses) expect(verbose).not.toContain(response);

    // What the list shows: only the PUBLISH transactions.
    await trace.onlyMethods('PUBLISH');
    const shown = await trace.rows().count();
    const filteredFile = saveAs.next('publish.txt');
    await trace.exportAs({ format: 'Text', messages: /^What the list shows/ });
    await expect(trace.exportResult()).toContainText(`Saved ${shown} messages`);
    const publishOnly = readTextExport(await readFile(filteredFile, 'utf8'));
    expect(publishOnly).toHaveLength(shown);
    for (const m of publishOnly) expect(summarizeSipMessage(m.raw).method).toBe('PUBLISH');
    await app.screenshot(testInfo, 'trace-export-kamailio');
    expect(harness.internalErrors).toEqual([]);
  });

  test('given the save dialog is cancelled, then nothing is written and the pane says nothing was saved', async ({ app, page }) => {
    const trace = new TracePane(page, app);
    const settings = await app.openSettings();
    await settings.fill({
      aor: `sip:alice@${kamailio.domain}`,
      password: passwords.alice,
      server: `127.0.0.1:${kamailio.ports.tcp!}`,
      transport: 'TCP',
    });
    await settings.save().click();
    await expect(app.connectionStatus()).toContainText('Registered with');
    await trace.open();
    await trace.exportButton().click();
    const dialog = trace.exportDialog();
    await dialog.getByRole('button', { name: 'Export…' }).click();
    // No name queued: the chooser answers "cancelled"; the dialog stays open for another try.
    await expect(dialog.getByRole('button', { name: 'Export…' })).toBeEnabled();
    expect(saveAs.asked).toHaveLength(1);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect(trace.exportResult()).toHaveCount(0);
  });
});
