import type { Locator, Page } from 'playwright-core';

/** Pick an option of a Mantine Select by its label. */
async function choose(page: Page, label: string, option: string | RegExp) {
  const box = page.getByRole('combobox', { name: label, exact: true });
  await box.click();
  // the page has other selects with the same names (a promise's owner): pick from this one's list
  const list = await box.getAttribute('aria-controls');
  const scope = list ? page.locator(`[id="${list}"]`) : page;
  await scope.getByRole('option', { name: option }).filter({ visible: true }).click();
}

/** The new complaint form, with the playbook beside it. */
export class ComplaintIntake {
  constructor(readonly page: Page) {}
  heading = () => this.page.getByRole('heading', { name: 'New complaint', level: 1 });
  playbook = () => this.page.getByRole('complementary', { name: 'Playbook' });

  async fill(v: {
    words: string;
    paraphrase?: string;
    severity?: string;
    channel?: string;
    category?: string;
  }) {
    if (v.channel) await choose(this.page, 'Channel', v.channel);
    if (v.severity)
      await this.page
        .getByRole('radiogroup', { name: 'Severity' })
        .getByText(v.severity, { exact: true })
        .click();
    await this.page.getByLabel("The customer's own words", { exact: false }).fill(v.words);
    if (v.paraphrase) await this.page.getByLabel(/^Your paraphrase/).fill(v.paraphrase);
    if (v.category) {
      await this.page.getByRole('combobox', { name: 'Category' }).fill(v.category);
      await this.page.keyboard.press('Escape');
    }
  }
  /** The "Received (<city> time)" box: a datetime-local value, wall-clock time of the workspace. */
  received = () => this.page.getByLabel(/^Received \(.* time\)/);
  submit = () => this.page.getByRole('button', { name: 'Log complaint' }).click();
}

/** One complaint: header, value at stake, the guided flow with one action per step, history. */
export class ComplaintView {
  constructor(readonly page: Page) {}
  heading = (customer: string) =>
    this.page.getByRole('heading', { level: 1, name: `Complaint from ${customer}` });
  valueAtStake = () => this.page.getByLabel('Value at stake').getByTestId('value-at-stake');
  status = () => this.page.locator('[data-status]');
  flow = () => this.page.getByRole('region', { name: 'Guided flow' });
  step = (title: string) => this.page.getByRole('region', { name: `Step: ${title}` });
  currentStep = () => this.flow().locator('[aria-current="step"]');
  /** The offers made so far, each with the customer's answer. */
  offers = () => this.page.getByLabel('Offers made');
  history = () => this.page.getByRole('region', { name: 'History' });
  /** The refusal shown next to the action that caused it. */
  refusal = () => this.flow().getByRole('alert');

  async respond(note: string) {
    await this.step('Greet').getByLabel('What you said or sent').fill(note);
    await this.step('Greet').getByRole('button', { name: 'Record response' }).click();
  }

  async transfer(to: string, reason: string) {
    await this.page.getByRole('button', { name: 'Transfer…' }).click();
    await choose(this.page, 'Pass to', to);
    await this.page.getByRole('textbox', { name: 'Reason' }).fill(reason);
    await this.page.getByRole('form', { name: 'Transfer' }).getByRole('button', { name: 'Transfer' }).click();
  }

  async paraphrase(text: string) {
    await this.step('Paraphrase')
      .getByRole('textbox', { name: /^Problem statement/ })
      .fill(text);
    await this.step('Paraphrase').getByRole('button', { name: 'Save problem statement' }).click();
  }

  /**
   * Offer options (kind, detail, amount for money options); answer: 'refused', an option number, or undefined
   * (still deciding); refundReason: typed in the box a refund option brings up.
   */
  async offer(
    options: { kind: string; detail: string; amount?: number }[],
    answer?: 'refused' | number,
    refundReason?: string,
  ) {
    const s = this.step('Offer options');
    for (const [i, o] of options.entries()) {
      await choose(this.page, `Option ${i + 1}`, o.kind);
      await s.getByLabel(`Option ${i + 1} detail`).fill(o.detail);
      if (o.amount !== undefined) await s.getByLabel(`Option ${i + 1} amount`).fill(String(o.amount));
    }
    if (refundReason !== undefined) await s.getByLabel('Why a refund? (the last resort)').fill(refundReason);
    if (answer === 'refused') await s.getByLabel('Refused all of these').check();
    else if (answer !== undefined) await s.getByLabel(new RegExp(`^Chose option ${answer}:`)).check();
    await s.getByRole('button', { name: 'Record offer' }).click();
  }

  async resolve(summary: string, apologized: boolean) {
    const s = this.step('Confirm');
    await s.getByLabel('What was done').fill(summary);
    const box = s.getByLabel('I apologised for the inconvenience');
    if (apologized) await box.check();
    else await box.uncheck();
    await s.getByRole('button', { name: 'Resolve' }).click();
  }

  async reopen(reason: string) {
    const form = this.page.getByRole('form', { name: 'Reopen' });
    await form.getByLabel('Reopen because').fill(reason);
    await form.getByRole('button', { name: 'Reopen' }).click();
  }

  followUp = (outcome: 'Satisfied' | 'Still unhappy (reopen)' | 'Could not reach') =>
    this.page.getByRole('group', { name: 'Follow-up check' }).getByRole('button', { name: outcome }).click();

  async close(confirmed: boolean) {
    const s = this.step('Confirm');
    const box = s.getByLabel(/^The customer confirmed/);
    if (confirmed) await box.check();
    else await box.uncheck();
    await s.getByRole('button', { name: 'Close complaint' }).click();
  }
}

/** The complaint queue: a table on wide screens, cards on a phone. */
export class ComplaintQueue {
  constructor(readonly page: Page) {}
  heading = () => this.page.getByRole('heading', { name: 'Complaints', level: 1 });
  queue = () => this.page.getByLabel('Complaint queue');
  item = (customer: string) => this.page.locator('[data-complaint]').filter({ hasText: customer });
  orderBy = (label: string) =>
    this.page.getByRole('radiogroup', { name: 'Order by' }).getByText(label, { exact: true }).click();
}

/** Settings → Complaints: SLA targets per severity (hours), opening hours, closed days, and what they mean. */
export class ComplaintSettingsTab {
  constructor(readonly page: Page) {}
  form = () => this.page.getByRole('form', { name: 'Complaint settings' });
  /** A target's box, e.g. ('High', 'first answer') or ('Low', 'resolved'). */
  target = (severity: string, which: 'first answer' | 'resolved') =>
    this.page.getByRole('textbox', { name: `${severity}: ${which} within (hours)` });
  async setTarget(severity: string, which: 'first answer' | 'resolved', hours: number) {
    const box = this.target(severity, which);
    await box.fill(String(hours));
    await box.blur();
  }
  /** The error shown with a box (the error its aria-describedby points at), or '' when it has none. */
  async errorOf(box: Locator): Promise<string> {
    if ((await box.getAttribute('aria-invalid')) !== 'true') return '';
    const ids =
      (await box.getAttribute('aria-describedby'))?.split(/\s+/).filter((id) => id.endsWith('-error')) ?? [];
    const texts = await Promise.all(
      ids.map((id) =>
        this.page
          .locator(`[id="${id}"]`)
          .textContent()
          .catch(() => ''),
      ),
    );
    return texts.join(' ').trim();
  }
  closes = (day: string) => this.page.getByLabel(`${day} closes`);
  opens = (day: string) => this.page.getByLabel(`${day} opens`);
  dayOpen = (day: string) => this.page.getByRole('group', { name: day }).getByRole('checkbox', { name: day });
  /** The plain-language line of one severity in "What this means". */
  meaning = (severity: 'critical' | 'high' | 'medium' | 'low') =>
    this.page.getByRole('region', { name: 'What this means' }).locator(`[data-severity="${severity}"]`);
  saveButton = () => this.page.getByRole('button', { name: 'Save', exact: true });
  saved = () => this.page.getByRole('status').filter({ hasText: 'Saved.' });
}

/** The enquiries inbox: cards with a first-response timer and the actions answer, outcome, transfer. */
export class EnquiriesInbox {
  constructor(readonly page: Page) {}
  heading = () => this.page.getByRole('heading', { name: 'Enquiries', level: 1 });
  card = (name: string) => this.page.getByRole('listitem', { name: `Enquiry from ${name}` });

  async create(v: { name: string; phone: string; kind: string; body: string }) {
    await this.page.getByRole('button', { name: 'New enquiry' }).click();
    const form = this.page.getByRole('form', { name: 'New enquiry' });
    await form.getByText('A new contact', { exact: true }).click();
    await form.getByRole('textbox', { name: 'Name', exact: true }).fill(v.name);
    await form.getByRole('textbox', { name: 'Phone', exact: true }).fill(v.phone);
    await form.getByRole('radiogroup', { name: 'Kind' }).getByText(v.kind, { exact: true }).click();
    await form.getByRole('textbox', { name: 'What they asked' }).fill(v.body);
    await form.getByRole('button', { name: 'Log enquiry' }).click();
  }

  async answer(name: string, note: string) {
    const card = this.card(name);
    await card.getByRole('button', { name: 'Answer', exact: true }).click();
    await card.getByRole('textbox', { name: 'What you answered' }).fill(note);
    await card.getByRole('button', { name: 'Record answer' }).click();
  }

  async outcome(name: string, outcome: 'Won' | 'Lost' | 'No answer') {
    const card = this.card(name);
    const group = card.getByRole('group', { name: 'Outcome' });
    if (!(await group.isVisible())) await card.getByRole('button', { name: 'Outcome', exact: true }).click();
    await group.getByRole('button', { name: outcome, exact: true }).click();
  }
}
