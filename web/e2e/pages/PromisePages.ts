import type { Locator, Page } from 'playwright-core';

/** The one-line promise form (customer page, caller pop-up, complaint, enquiry), inside `scope`. */
export class PromiseForm {
  constructor(readonly scope: Locator) {}
  form = () => this.scope.getByRole('form', { name: 'Make a promise' });
  text = () => this.form().getByRole('textbox', { name: 'Promise' });
  date = () => this.form().getByLabel(/^By/);
  time = () => this.form().getByLabel('Time (optional)');
  submit = () => this.form().getByRole('button', { name: 'Promise' });
  done = () => this.form().getByRole('status');
}

/** Home's "Your day": the agenda, each row done or snoozed from the list. */
export class AgendaList {
  constructor(readonly page: Page) {}
  region = () => this.page.getByRole('region', { name: 'Your day' });
  rows = () => this.region().getByRole('list', { name: "Today's list" }).getByRole('listitem');
  row = (title: string | RegExp) => this.rows().filter({ hasText: title });

  async snooze(title: string | RegExp, why: string) {
    const row = this.row(title);
    await row.getByRole('button', { name: 'Snooze' }).first().click();
    const form = row.getByRole('form', { name: /^Snooze / });
    await form.getByRole('textbox', { name: /^Why/ }).fill(why);
    await form.getByRole('button', { name: 'Snooze' }).click();
  }
}
