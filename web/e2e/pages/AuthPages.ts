import type { Page } from 'playwright-core';

/** First-run setup page. */
export class SetupPage {
  constructor(readonly page: Page) {}
  heading = () => this.page.getByRole('heading', { name: 'Set up Rapport' });

  async pickRegion(search: string, option: RegExp) {
    const input = this.page.getByRole('combobox', { name: /^Phone region\b/ });
    await input.click();
    await input.fill(search);
    await this.page.getByRole('option', { name: option }).click();
  }

  async submit(v: {
    business: string;
    regionSearch: string;
    region: RegExp;
    name: string;
    email: string;
    password: string;
  }) {
    // required fields carry Mantine's asterisk, which is part of the label's text: match the label's start
    await this.page.getByLabel(/^Business name\b/).fill(v.business);
    await this.pickRegion(v.regionSearch, v.region);
    await this.page.getByLabel('Your name', { exact: true }).fill(v.name);
    await this.page.getByLabel(/^Email\b/).fill(v.email);
    await this.page.getByLabel(/^Password\b/).fill(v.password);
    await this.page.getByRole('button', { name: 'Create workspace' }).click();
  }
}

/** Sign-in page. */
export class LoginPage {
  constructor(readonly page: Page) {}
  heading = () => this.page.getByRole('heading', { name: 'Sign in' });
  alert = () => this.page.getByRole('alert');

  async signIn(email: string, password: string) {
    await this.page.getByLabel('Email', { exact: true }).fill(email);
    await this.page.getByLabel('Password', { exact: true }).fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }
}
