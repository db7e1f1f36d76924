import type { Page } from 'playwright-core';

/** Settings → Phone systems. */
export class PhoneSettingsPage {
  constructor(readonly page: Page) {}

  heading = (name: string) => this.page.getByRole('heading', { name, level: 2 });
  field = (label: string) => this.page.getByLabel(label, { exact: true });

  /** "Send a test call" through one system from a number. */
  async sendTestCall(system: 'Twilio' | '3CX' | 'Asterisk', from: string) {
    await this.page.getByText(system, { exact: true }).click();
    await this.page.getByLabel('Calling from').fill(from);
    await this.page.getByRole('button', { name: 'Send a test call' }).click();
  }
  status = () => this.page.getByRole('status').filter({ hasText: /^Sent:/ });
}
