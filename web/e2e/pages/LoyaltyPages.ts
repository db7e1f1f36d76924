import type { Page } from 'playwright-core';

/** The Rewards page's vouchers tab: issue one (its code shown once), the list. */
export class VouchersPage {
  constructor(readonly page: Page) {}
  issueForm = () => this.page.getByRole('region', { name: 'Issue a voucher' });
  code = () => this.page.getByTestId('voucher-code');
  list = () => this.page.getByRole('region', { name: 'Vouchers' });
  async issueAmount(worth: string) {
    await this.issueForm()
      .getByLabel(/^Worth/)
      .fill(worth);
    await this.issueForm().getByRole('button', { name: 'Issue voucher' }).click();
    await this.code().waitFor();
    return (await this.code().textContent())?.trim() ?? '';
  }
}

/** Points and tier on the customer page. */
export class CustomerLoyaltyPanel {
  constructor(readonly page: Page) {}
  region = () => this.page.getByRole('region', { name: 'Loyalty' });
  points = () => this.region().getByTestId('loyalty-points');
}
