import type { Page } from 'playwright-core';

/** The public referral link (/p/ref/…): "X sent you", a server-rendered sign-up form, no JavaScript. */
export class ReferralLinkPage {
  constructor(readonly page: Page) {}
  heading = (text: string) => this.page.getByRole('heading', { name: text });
  status = () => this.page.getByRole('status');
  async signUp(name: string, phone: string) {
    await this.page.getByLabel('Your name').fill(name);
    await this.page.getByLabel('Phone number').fill(phone);
    await this.page.getByRole('button', { name: 'Send my details' }).click();
  }
}

/** The referrals card on a customer's page. */
export class CustomerReferralsCard {
  constructor(readonly page: Page) {}
  region = () => this.page.getByRole('region', { name: 'Referrals' });
  summary = () => this.region().getByTestId('referred-summary');
  card = () => this.region().getByTestId('referral-card');
  async setReferrer(code: string) {
    await this.region().getByRole('button', { name: 'Set who referred them' }).click();
    await this.region()
      .getByRole('textbox', { name: /Who referred them/ })
      .fill(code);
    await this.region().getByRole('button', { name: 'Save referrer' }).click();
  }
}

/** Staff: the referral leaderboard. */
export class ReferralsPage {
  constructor(readonly page: Page) {}
  heading = () => this.page.getByRole('heading', { level: 1, name: 'Referrals' });
  rows = () => this.page.getByRole('table', { name: 'Referral leaderboard' }).getByRole('row');
}

/** Staff: suggested introductions, consent, the ledger. */
export class IntroductionsPage {
  constructor(readonly page: Page) {}
  heading = () => this.page.getByRole('heading', { level: 1, name: 'Introductions' });
  suggested = () => this.page.getByRole('list', { name: 'Suggested introductions' });
  recorded = () => this.page.getByRole('list', { name: 'Introductions' });
  ledger = () => this.page.getByRole('table', { name: 'Business passed' });
  said = (name: string, answer: 'yes' | 'no') =>
    this.page.getByRole('button', { name: `${name} said ${answer}` });
}
