/**
 * Page object for the SIP trace pane, plus a SaveFileChooser the harness gives the service in place of
 * Electron's save dialog (it answers with paths in a fresh folder the test owns).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { SaveFileChooser, SaveFileRequest } from '../../electron/service/trace-export';
import { expect, type MainWindow } from './fixtures';

export class TracePane {
  readonly root: Locator;
  constructor(
    readonly page: Page,
    readonly app: MainWindow,
  ) {
    this.root = page.getByTestId('trace-pane');
  }

  readonly list = () => this.root.getByTestId('trace-list');
  readonly rows = () => this.root.getByTestId('trace-row');
  /** Rows whose method/status column reads `label` exactly (`PUBLISH`, `200 OK`). */
  readonly rowsLabelled = (label: string) => this.root.locator(`[data-testid="trace-row"][data-label="${label}"]`);
  /** NOTIFYs of the presence package (not the account's own `presence.winfo` ones, which carry no PIDF). */
  readonly presenceNotifies = () =>
    this.rowsLabelled('NOTIFY').filter({ has: this.root.page().getByTestId('trace-row-event').getByText('presence', { exact: true }) });
  /** Responses with status `code`, whatever their reason phrase. */
  readonly rowsWithStatus = (code: number) => this.root.locator(`[data-testid="trace-row"][data-label^="${code} "]`);
  readonly row = (seq: number) => this.root.locator(`[data-testid="trace-row"][data-seq="${seq}"]`);
  readonly selectedRow = () => this.root.locator('[data-testid="trace-row"][aria-selected="true"]');
  readonly count = () => this.root.getByTestId('trace-count');
  readonly search = () => this.root.getByTestId('trace-search');
  readonly regex = () => this.root.getByRole('checkbox', { name: 'Regex' });
  readonly address = () => this.root.getByRole('searchbox', { name: 'Call-ID or AOR' });
  readonly direction = () => this.root.getByRole('combobox', { name: 'Direction' });
  readonly methods = () => this.root.getByTestId('trace-methods');
  /** The Methods menu's checkbox of `method` (named with its count: `NOTIFY 12`). */
  readonly methodCheckbox = (method: string) => this.methods().getByRole('checkbox', { name: new RegExp(`^${method} [\\d,]+$`) });
  readonly hideOptions = () => this.root.getByRole('checkbox', { name: 'Hide OPTIONS & keep-alives' });
  readonly clearFilters = () => this.root.getByRole('button', { name: 'Clear filters' });
  readonly pause = () => this.root.getByTestId('trace-pause');
  readonly clear = () => this.root.getByRole('button', { name: 'Clear', exact: true });
  readonly columnChooser = () => this.root.getByTestId('trace-columns');
  /** The resize handle on the right edge of a column's header. */
  readonly columnResizer = (label: string) => this.list().getByRole('separator', { name: `Resize ${label}` });
  readonly splitter = () => this.root.getByTestId('trace-splitter');
  readonly exportButton = () => this.root.getByTestId('trace-export');
  readonly detail = () => this.root.getByTestId('trace-detail');
  readonly raw = () => this.root.getByTestId('trace-raw');
  /** What the app makes of the open message's body (presence, line state, voicemail, resource list, parts). */
  readonly decoded = () => this.root.getByTestId('trace-decoded');
  readonly panelTab = (name: 'Message' | 'Ladder' | 'Dialogs & subscriptions') => this.root.getByRole('tab', { name });
  readonly groups = () => this.root.getByTestId('trace-group');
  readonly ladder = () => this.root.getByTestId('trace-ladder');
  readonly arrows = () => this.root.getByTestId('ladder-arrow');
  readonly exportDialog = () => this.page.getByTestId('trace-export-dialog');
  readonly exportResult = () => this.root.getByTestId('trace-export-result');

  /** Opens the SIP trace tab. */
  async open(): Promise<void> {
    await this.app.tab('SIP trace').click();
    await expect(this.root).toBeVisible();
  }

  /**
   * Drops a file with `bytes` named `name` on the trace tab, as a file dragged from the desktop would be: the page
   * uploads it to main, which opens it as a capture. The drop is a DataTransfer made in the page (Playwright cannot
   * drag a file from the desktop).
   */
  async dropFile(name: string, bytes: Uint8Array): Promise<void> {
    await this.page.getByTestId('trace-tabs').evaluate(
      (target, { name, data }) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(data)], name, { type: 'application/vnd.tcpdump.pcap' }));
        target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
        target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      },
      { name, data: Array.from(bytes) },
    );
  }

  /** The method/status labels of the rows rendered now, top to bottom. */
  async labels(): Promise<string[]> {
    return this.rows().evaluateAll((rows) =>
      rows
        .map((row) => ({ top: parseFloat((row as HTMLElement).style.top), label: row.getAttribute('data-label') ?? '' }))
        .sort((a, b) => a.top - b.top)
        .map((r) => r.label),
    );
  }

  /** Shows only the given methods (and their responses) with the Methods menu's checkboxes. */
  async onlyMethods(...methods: string[]): Promise<void> {
    await this.methods().locator('summary').click();
    await this.methods().getByRole('button', { name: 'None' }).click();
    for (const method of methods) await this.methodCheckbox(method).check();
    await this.methods().locator('summary').click();
  }

  /** The ladder's arrow labels, top to bottom. */
  async arrowLabels(): Promise<string[]> {
    return this.arrows().evaluateAll((arrows) => arrows.map((a) => a.getAttribute('data-label') ?? ''));
  }

  /** Exports through the dialog; resolves when the pane reports the file saved. */
  async exportAs(options: { format: 'Text' | 'pcap'; messages: RegExp; includeCredentials?: boolean }): Promise<void> {
    await this.exportButton().click();
    const dialog = this.exportDialog();
    await expect(dialog).toBeVisible();
    await dialog.getByRole('radio', { name: new RegExp(`^${options.format} `) }).check();
    await dialog.getByRole('radio', { name: options.messages }).check();
    const credentials = dialog.getByRole('checkbox', { name: /Include credentials/ });
    if (options.includeCredentials) await credentials.check();
    else await expect(credentials).not.toBeChecked();
    await dialog.getByRole('button', { name: 'Export…' }).click();
    await expect(dialog).toBeHidden();
  }
}

/** Answers the service's save dialog with the next file name in a folder of its own. */
export class SaveAsFolder implements SaveFileChooser {
  readonly asked: SaveFileRequest[] = [];
  private names: string[] = [];
  private constructor(readonly dir: string) {}

  static async create(): Promise<SaveAsFolder> {
    return new SaveAsFolder(await mkdtemp(path.join(tmpdir(), 'presently-e2e-export-')));
  }

  /** The next save dialog answers `name` in this folder; without one queued it answers "cancel". */
  next(name: string): string {
    this.names.push(name);
    return path.join(this.dir, name);
  }

  async choose(request: SaveFileRequest): Promise<string | null> {
    this.asked.push(request);
    const name = this.names.shift();
    return name === undefined ? null : path.join(this.dir, name);
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
