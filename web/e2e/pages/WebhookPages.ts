import type { Page } from 'playwright-core';

/** Settings → Webhooks: the add form, the secret shown once, each webhook's card and its delivery log. */
export class WebhooksPage {
  constructor(readonly page: Page) {}
  card = (url: string) => this.page.getByRole('region', { name: `Webhook ${url}` });
  deliveries = (url: string) => this.card(url).getByRole('table', { name: 'Deliveries' });

  /** Add a webhook for these events (none = every event); answers the secret read from the shown-once box. */
  async add(url: string, events: string[] = []): Promise<string> {
    await this.page.getByLabel('Address (URL)').fill(url);
    if (events.length) {
      await this.page.getByLabel('Send every event').uncheck();
      for (const e of events) await this.page.getByRole('checkbox', { name: e, exact: true }).check();
    }
    await this.page.getByRole('button', { name: 'Add webhook' }).click();
    return this.secret();
  }

  async secret(): Promise<string> {
    const box = this.page.getByTestId('webhook-secret');
    await box.waitFor();
    return (await box.textContent())?.trim() ?? '';
  }
}
