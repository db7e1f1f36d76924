import type { Page } from 'playwright-core';

/** The customer's page: their data and erasing them (issue 19). */
export class CustomerPrivacy {
  constructor(readonly page: Page) {}
  download = () => this.page.getByRole('link', { name: 'Download their data' });
  eraseButton = () => this.page.getByRole('button', { name: 'Erase…' });
  dialog = () => this.page.getByRole('dialog', { name: /^Erase / });
  reason = () => this.dialog().getByRole('textbox', { name: /^Why/ });
  confirmName = () => this.dialog().getByRole('textbox', { name: /^Type their name/ });
  confirm = () => this.dialog().getByRole('button', { name: 'Erase for good' });
}

/** Settings → My account. */
export class AccountPage {
  constructor(readonly page: Page) {}
  current = () => this.page.getByLabel(/^Current password/);
  next = () => this.page.getByLabel(/^New password/);
  change = () => this.page.getByRole('button', { name: 'Change password' });
  sessions = () => this.page.getByRole('row');
}
