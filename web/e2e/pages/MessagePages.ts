import type { Locator, Page } from 'playwright-core';

/** Settings → Messages: the sender, quiet hours, providers and the suppression list. */
export class MessagesSettings {
  constructor(readonly page: Page) {}
  sender = () => this.page.getByRole('region', { name: 'Email sender' });
  timing = () => this.page.getByRole('region', { name: 'When messages go' });
  quietWords = () => this.page.getByTestId('quiet-words');
  suppressions = () => this.page.getByRole('region', { name: 'Suppression list' });
  suppressed = (address: string) =>
    this.page.getByRole('list', { name: 'Suppressed addresses' }).getByRole('listitem', { name: address });

  async open(url: string) {
    await this.page.goto(`${url}/settings/messages`);
    await this.sender().waitFor();
  }
  async setSender(v: { fromName: string; fromEmail: string; replyTo: string }) {
    const s = this.sender();
    await s.getByLabel('From name').fill(v.fromName);
    await s.getByLabel('From email').fill(v.fromEmail);
    await s.getByLabel('Reply-To').fill(v.replyTo);
    await s.getByRole('button', { name: 'Save sender' }).click();
    await s.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  }
  /** Quiet hours on or off (the switch), then saved. */
  async setQuietHours(on: boolean) {
    const t = this.timing();
    const sw = t.getByRole('switch', { name: /Quiet hours/ });
    if ((await sw.isChecked()) !== on) {
      await sw.focus();
      await this.page.keyboard.press('Space');
    }
    await t.getByRole('button', { name: 'Save timing' }).click();
    await t.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
  }
  sms = () => this.page.getByRole('region', { name: 'SMS (Twilio)' });
  /** Set up SMS: the Twilio credentials, typed into the form that "Set up SMS" opens. */
  async setUpSms(v: { accountSid: string; authToken: string; from: string }) {
    const s = this.sms();
    await s.getByRole('button', { name: 'Set up SMS' }).click();
    const form = s.getByRole('form', { name: 'SMS credentials' });
    await form.getByLabel('Account SID').fill(v.accountSid);
    await form.getByLabel('Auth token').fill(v.authToken);
    await form.getByLabel('From number').fill(v.from);
    await form.getByRole('button', { name: 'Save SMS' }).click();
    await form.waitFor({ state: 'detached' });
  }
  async suppress(address: string, why: string) {
    const form = this.page.getByRole('form', { name: 'Add to the suppression list' });
    await form.getByLabel('Email address').fill(address);
    await form.getByRole('combobox', { name: 'Why' }).click();
    await this.page.getByRole('option', { name: why }).click();
    await form.getByRole('button', { name: 'Add to the list' }).click();
    await this.suppressed(address).waitFor();
  }
  async unsuppress(address: string) {
    const row = this.suppressed(address);
    await row.getByRole('button', { name: `Remove ${address}` }).click();
    await row.getByRole('button', { name: 'Take off the list' }).click();
    await row.waitFor({ state: 'detached' });
  }
}

/** On the customer's page: the Messages section, the send dialog and the consent editor. */
export class CustomerMessaging {
  constructor(readonly page: Page) {}
  section = () => this.page.getByRole('region', { name: 'Messages' });
  history = () => this.page.getByRole('list', { name: 'Message history' });
  /** History rows with a status ("sent", "skipped"…), newest first. */
  rows = (status: string) => this.history().locator(`li[data-status="${status}"]`);
  dialog = (name: string) => this.page.getByRole('dialog', { name: `Message to ${name}` });
  consent = () => this.page.getByRole('region', { name: 'Consent' });
  consentBadge = (channel: 'email' | 'sms' | 'whatsapp') => this.page.getByTestId(`consent-${channel}`);

  async openDialog(name: string): Promise<Locator> {
    await this.section().getByRole('button', { name: 'Send a message' }).click();
    const d = this.dialog(name);
    await d.waitFor();
    return d;
  }
  /** Fill the dialog: channel, purpose, subject, body (typed; `{first name}` inserts the merge field). */
  async write(
    d: Locator,
    v: {
      channel?: 'Email' | 'SMS' | 'WhatsApp';
      purpose: 'Service' | 'Marketing';
      subject?: string;
      body: string;
    },
  ) {
    if (v.channel)
      await d.getByRole('radiogroup', { name: 'Channel' }).getByText(v.channel, { exact: true }).click();
    await d.getByRole('radio', { name: v.purpose }).check();
    if (v.subject !== undefined) await d.getByRole('textbox', { name: 'Subject' }).fill(v.subject);
    const body = d.getByRole('textbox', { name: 'Message' });
    await body.fill('');
    for (const [i, part] of v.body.split('{first name}').entries()) {
      if (i > 0) await d.getByRole('button', { name: 'Insert First name' }).click();
      if (part) {
        await body.focus();
        await this.page.keyboard.press('End');
        await this.page.keyboard.type(part);
      }
    }
  }
  send = (d: Locator) => d.getByRole('button', { name: 'Send', exact: true }).click();

  /** Record consent for a channel in the consent editor (its form must be open, or is opened here). */
  async recordConsent(channel: 'Email' | 'SMS' | 'WhatsApp', v: { granted: boolean; source: string }) {
    const form = this.page.getByRole('form', { name: `${channel} consent` });
    if (!(await form.isVisible()))
      await this.consent()
        .getByRole('button', { name: `Change ${channel} consent` })
        .click();
    await form.waitFor();
    await form.getByText(v.granted ? 'Yes, they agreed' : 'No', { exact: true }).click();
    await form.getByRole('combobox', { name: /^Where did they/ }).fill(v.source);
    await this.page.keyboard.press('Escape'); // close the suggestions
    await form.getByRole('button', { name: 'Save consent' }).click();
    await form.waitFor({ state: 'detached' });
  }
}

/** Messages → New campaign, and a campaign's page. */
export class CampaignPages {
  constructor(readonly page: Page) {}
  form = () => this.page.getByRole('form', { name: 'New campaign' });
  count = () => this.page.getByRole('region', { name: 'Who it reaches' }).getByTestId('count-sentence');
  confirm = () => this.page.getByRole('dialog', { name: 'Send this campaign?' });
  results = () => this.page.getByRole('region', { name: 'Results' });
  figure = (label: 'Sent' | 'Waiting' | 'Failed' | 'Left out' | 'Kept back') =>
    this.results().getByRole('group', { name: label, exact: true }).locator('.count-figure');
  leftOutReasons = () => this.page.getByTestId('left-out-reasons');
  /** "Did it work?": the verdict, the chart and the revenue per customer. */
  outcome = () => this.page.getByRole('region', { name: 'Did it work?' });
  messages = (label: string) => this.page.getByRole('list', { name: `Messages: ${label}` });
  status = () => this.page.getByRole('heading', { level: 1 }).locator('..').locator('.mantine-Badge-root');

  /** Send from the form or a draft: the button, then "Send now" in the last question. */
  async send() {
    await this.page.getByRole('button', { name: /^Send to [\d,]+ customers?…$/ }).click();
    await this.confirm().waitFor();
    await this.confirm().getByRole('button', { name: 'Send now' }).click();
    await this.results().waitFor();
  }
}
