import type { Page } from 'playwright-core';

/** The scorecard: a card per figure (its value, target and a link to its customers), targets, per person. */
export class ScorecardPage {
  constructor(readonly page: Page) {}
  card = (label: string) => this.page.getByRole('region', { name: label, exact: true });
  value = (metric: string) => this.page.getByTestId(`figure-${metric}`);
  targets = () => this.page.getByRole('form', { name: 'Targets' });
  people = () => this.page.getByRole('table', { name: 'Figures by staff member' });

  async setTarget(label: string, value: string) {
    await this.page.getByRole('button', { name: 'Set targets' }).click();
    const box = this.targets().getByRole('textbox', { name: label, exact: true });
    await box.fill(value);
    await this.targets().getByRole('button', { name: 'Save targets' }).click();
    await this.targets().waitFor({ state: 'detached' });
  }

  async openCustomers(label: string) {
    await this.card(label).getByRole('link', { name: 'See the customers' }).click();
    await this.page.getByRole('table', { name: 'Customers' }).or(this.page.getByText('Nobody:')).waitFor();
  }
}
