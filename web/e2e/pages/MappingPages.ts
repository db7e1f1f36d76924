import type { Page } from 'playwright-core';

/** The import preview's column mapping: each column of the file to a Rapport field, and "Save this mapping as…". */
export class MappingEditor {
  constructor(readonly page: Page) {}
  preview = () => this.page.getByRole('region', { name: 'Preview' });
  editor = () => this.preview().getByRole('region', { name: 'Column mapping' });
  columnSelect = (column: string) =>
    this.editor().getByRole('combobox', { name: `Read column "${column}" as` });
  nameInput = () => this.editor().getByRole('textbox', { name: /Save this mapping as/ });
  saved = () => this.editor().getByRole('status');
  changeMapping = () => this.preview().getByRole('button', { name: 'Change mapping' });
  layoutDescription = () =>
    this.preview().getByText(/^(Detected|Your saved mapping|Mapped by you|Chosen by you)/);

  /** Read a column as a field, chosen with the keyboard as people do on a native select. */
  async map(column: string, fieldLabel: string) {
    await this.columnSelect(column).selectOption({ label: fieldLabel });
  }

  /** Type a name and press Enter. */
  async saveAs(name: string) {
    await this.nameInput().fill(name);
    await this.nameInput().press('Enter');
  }
}

/** The duplicates tab's "Not the same person" and the list of pairs said to be different people. */
export class DismissalsPage {
  constructor(readonly page: Page) {}
  pair = (a: string, b: string) =>
    this.page.getByRole('region', { name: `Possible duplicate: ${a} and ${b}` });
  notice = () => this.page.getByRole('status').filter({ hasText: 'Marked as different people' });
  list = () => this.page.getByRole('region', { name: 'Not duplicates' });
  listed = (a: string, b: string) =>
    this.list().getByRole('group', { name: `Not duplicates: ${a} and ${b}` });

  async notTheSame(a: string, b: string) {
    await this.pair(a, b).getByRole('button', { name: 'Not the same person' }).click();
  }
}
