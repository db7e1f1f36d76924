import type { Page } from 'playwright-core';

/** New customer form (and the edit form on the customer page: same fields). */
export class CustomerForm {
  constructor(readonly page: Page) {}
  phone = (i = 1) => this.page.getByLabel(`Phone ${i}`, { exact: true });
  email = (i = 1) => this.page.getByLabel(`Email ${i}`, { exact: true });

  async fill(v: { name?: string; phone?: string; email?: string; tags?: string[]; needs?: string }) {
    if (v.name !== undefined) await this.page.getByLabel(/^(Full name|Business name)/).fill(v.name);
    if (v.phone !== undefined) await this.phone().fill(v.phone);
    if (v.email !== undefined) await this.email().fill(v.email);
    if (v.needs !== undefined)
      await this.page.getByLabel('Needs and preferences', { exact: true }).fill(v.needs);
    for (const t of v.tags ?? []) {
      await this.page.getByRole('combobox', { name: 'Tags', exact: true }).fill(t);
      await this.page.keyboard.press('Enter');
    }
  }
  save = (name: RegExp = /^(Create customer|Save changes|Save anyway)$/) =>
    this.page.getByRole('button', { name }).click();

  /** Row i (from 1) of "Other details": the customer's own fields. */
  field = (i: number) => ({
    name: this.page.getByRole('combobox', { name: `Field ${i}`, exact: true }),
    value: this.page.getByLabel(`Value of field ${i}`, { exact: true }),
    remove: this.page.getByRole('button', { name: `Remove field ${i}`, exact: true }),
  });
  fieldRows = () => this.page.getByRole('group', { name: 'Other details' }).getByRole('combobox');
  /** "+ Add field", then type the name and value from the keyboard (the new row takes the cursor). */
  async addField(name: string, value: string) {
    await this.page.getByRole('button', { name: '+ Add field' }).click();
    await this.page.keyboard.type(name);
    await this.page.keyboard.press('Escape'); // close the name suggestions, if any
    await this.page.keyboard.press('Tab');
    await this.page.keyboard.type(value);
  }
}

/** The customer list (results of the header search). */
export class CustomerList {
  constructor(readonly page: Page) {}
  list = () => this.page.getByRole('list', { name: 'Customers' });
  row = (name: string) => this.list().getByRole('listitem').filter({ hasText: name });
}

/** One customer's page. */
export class CustomerPage {
  constructor(readonly page: Page) {}
  name = (name: string) => this.page.getByRole('heading', { level: 1, name });
  phones = () => this.page.getByRole('region', { name: 'Phones' });
  timeline = () => this.page.locator('[aria-label="Timeline"]');
  timelineHeading = () => this.page.getByRole('heading', { name: 'Timeline' });
  /** The customer's own fields, as shown on the page ("Stylist: Kemi"). */
  otherDetails = () => this.page.getByRole('region', { name: 'Other', exact: true });

  async addNote(text: string) {
    await this.page
      .getByRole('radiogroup', { name: 'Kind of contact' })
      .getByText('Note', { exact: true })
      .click();
    await this.page.getByRole('textbox', { name: 'Note', exact: true }).fill(text);
    await this.page.getByRole('button', { name: 'Save note' }).click();
  }
}
