import type { Page } from 'playwright-core';

/** Settings → Backups: the daily schedule, "Back up now" and the backups kept. */
export class BackupsPage {
  constructor(readonly page: Page) {}
  schedule = () => this.page.getByRole('region', { name: 'Backups', exact: true });
  kept = () => this.page.getByRole('region', { name: 'Backups kept' });
  daily = () => this.page.getByRole('switch', { name: 'Back up every day' });
  verifiedRows = () => this.kept().getByRole('row').filter({ hasText: '✓ verified' });
  download = () => this.kept().getByRole('link', { name: 'Download' }).first();

  async open(base: string) {
    await this.page.goto(`${base}/settings/backups`);
    await this.schedule().waitFor();
  }
  async turnOnDaily(hour: string, keep: number) {
    await this.daily().check({ force: true });
    await this.page.getByRole('combobox', { name: 'At', exact: true }).click();
    await this.page.getByRole('option', { name: hour, exact: true }).click();
    await this.page.getByRole('textbox', { name: 'Backups to keep' }).fill(String(keep));
    await this.schedule().getByRole('button', { name: 'Save' }).click();
    await this.schedule().getByRole('status').filter({ hasText: 'Saved' }).waitFor();
  }
  async backUpNow() {
    await this.kept().getByRole('button', { name: 'Back up now' }).click();
  }
}
