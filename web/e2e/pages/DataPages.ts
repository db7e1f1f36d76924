import type { Page } from 'playwright-core';

/** Import & export: the import tab (file → preview → progress → report), the export tab, the duplicates tab. */
export class ImportPage {
  constructor(readonly page: Page) {}
  heading = () => this.page.getByRole('heading', { name: 'Import & export', level: 1 });
  fileInput = () => this.page.getByLabel('File to import');
  preview = () => this.page.getByRole('region', { name: 'Preview' });
  layout = () => this.preview().getByRole('combobox', { name: 'Layout' });
  columns = () => this.page.getByLabel('Column mapping');
  firstRows = () => this.page.getByLabel('First rows');
  alert = () => this.page.getByRole('alert');
  report = () => this.page.getByRole('region', { name: 'Import', exact: true });
  status = () => this.report().getByTestId('import-status');
  progress = () => this.report().getByRole('progressbar', { name: 'Import progress' });
  count = (label: string) => this.report().getByLabel(new RegExp(`^${label}: \\d+$`));
  rejected = () => this.report().getByLabel('Rejected rows');
  reportLink = () => this.report().getByRole('link', { name: 'Download the full report (CSV)' });
  pastImports = () => this.page.getByRole('region', { name: 'Past imports' });

  async open(baseUrl: string) {
    await this.page.goto(`${baseUrl}/import`);
    await this.heading().waitFor();
  }

  /** Choose a file (as if picked in the file dialog). */
  async choose(name: string, content: string | Buffer, mimeType = 'text/csv') {
    await this.fileInput().setInputFiles({
      name,
      mimeType,
      buffer: typeof content === 'string' ? Buffer.from(content) : content,
    });
  }

  async start() {
    await this.page.getByRole('button', { name: 'Start import' }).click();
  }

  /** The number shown in a count tile, e.g. count('Created'). */
  async countOf(label: string): Promise<number> {
    const text = (await this.count(label).getAttribute('aria-label')) ?? '';
    return Number(text.split(': ')[1]);
  }

  async importAnother() {
    await this.page.getByRole('button', { name: 'Import another file' }).click();
  }
}

export class ExportPage {
  constructor(readonly page: Page) {}
  download = (table: 'customers' | 'orders' | 'interactions') =>
    this.page.getByRole('link', { name: `Download ${table} CSV` });
  downloadJson = () => this.page.getByRole('link', { name: 'Download everything as JSON' });
}

export class DuplicatesPage {
  constructor(readonly page: Page) {}
  pair = (a: string, b: string) =>
    this.page.getByRole('region', { name: `Possible duplicate: ${a} and ${b}` });
  dialog = () => this.page.getByRole('dialog');
  merged = () => this.page.getByRole('status').filter({ hasText: 'Merged' });

  /** Keep `keep`, merge the other of the pair into it, confirming in the dialog. */
  async merge(a: string, b: string, keep: string) {
    const pair = this.pair(a, b);
    await pair.getByRole('radio', { name: `Keep ${keep}` }).check();
    await pair.getByRole('button', { name: /^Merge into .*…$/ }).click();
    await this.dialog()
      .getByRole('button', { name: `Merge into ${keep}` })
      .click();
  }
}
