import type { Page } from 'playwright-core';

/** The sale form (a dialog over any screen; full screen on a phone). */
export class SaleForm {
  constructor(readonly page: Page) {}
  dialog = () => this.page.getByRole('dialog', { name: 'New sale' });
  total = () => this.dialog().getByTestId('sale-total');

  /** Type to find a product and tap it. */
  async pick(search: string, product: RegExp) {
    await this.dialog().getByLabel('Add an item').fill(search);
    await this.dialog().getByRole('button', { name: product }).click();
  }
  /** A product that is not on the list yet, priced as it is sold. */
  async addNew(name: string, price: string) {
    await this.dialog().getByLabel('Add an item').fill(name);
    await this.dialog()
      .getByLabel(/^Price \(/)
      .fill(price);
    await this.dialog().getByRole('button', { name: 'Add', exact: true }).click();
  }
  more = (name: string) =>
    this.dialog()
      .getByRole('button', { name: `One more ${name}` })
      .click();
  pay = (method: 'Cash' | 'Card' | 'Transfer' | 'Other') =>
    this.dialog().getByText(method, { exact: true }).click();
  async findCustomer(q: string, name: string) {
    await this.dialog().getByLabel('Customer').fill(q);
    await this.dialog()
      .getByRole('button', { name: new RegExp(`^${name}`) })
      .click();
  }
  save = () => this.dialog().getByRole('button', { name: 'Save sale' }).click();
  saved = () => this.dialog().getByRole('status', { name: 'Sale saved' });
  done = () => this.dialog().getByRole('button', { name: 'Done' }).click();
}

/** The customer page's purchases, orders and timeline corrections. */
export class CustomerStory {
  constructor(readonly page: Page) {}
  purchases = () => this.page.getByRole('region', { name: 'Purchases' });
  orders = () => this.page.getByRole('region', { name: 'Orders' });
  timeline = () => this.page.locator('[aria-label="Timeline"]');
  figure = (label: string) =>
    this.purchases().getByText(label, { exact: true }).locator('xpath=following-sibling::*[1]');

  async refundFirst(amount: string, reason: string) {
    await this.orders().getByRole('button', { name: 'Refund or return' }).first().click();
    const form = this.orders().getByRole('form', { name: 'Refund or return' });
    await form.getByLabel(/^Amount/).fill(amount);
    await form.getByLabel(/^Why/).fill(reason);
    await form.getByRole('button', { name: 'Record refund' }).click();
  }
  async correct(kind: string, from: string, to: string) {
    const entry = this.timeline().locator('.mantine-Timeline-item').filter({ hasText: from });
    await entry.getByRole('button', { name: `Correct this ${kind}` }).click();
    const form = this.timeline().getByRole('form', { name: `Correct this ${kind}` });
    await form.getByLabel('What was said or done').fill(to);
    await form.getByRole('button', { name: 'Save correction' }).click();
  }
  async remove(kind: string, text: string) {
    const entry = this.timeline().locator('.mantine-Timeline-item').filter({ hasText: text });
    await entry.getByRole('button', { name: `Delete this ${kind}` }).click();
    await entry
      .getByRole('group', { name: 'Confirm delete' })
      .getByRole('button', { name: 'Delete' })
      .click();
  }
}

/** Settings → Products. */
export class ProductsSettingsPage {
  constructor(readonly page: Page) {}
  list = () => this.page.getByRole('region', { name: 'Product list' });
  row = (name: string) => this.list().getByLabel(name, { exact: true });
  async add(v: { name: string; price: string; category?: string; cost?: string }) {
    const form = this.page.getByRole('region', { name: 'Add a product' });
    await form.getByLabel(/^Name/).fill(v.name);
    await form.getByLabel(/^Price/).fill(v.price);
    if (v.category) await form.getByLabel(/^Category/).fill(v.category);
    if (v.cost) await form.getByLabel(/^Cost/).fill(v.cost);
    await form.getByRole('button', { name: 'Add product' }).click();
  }
  async importCsv(csv: string) {
    await this.page.getByLabel('CSV file of products').setInputFiles({
      name: 'products.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
  }
}
