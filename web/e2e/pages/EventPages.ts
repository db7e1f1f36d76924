import type { Page } from 'playwright-core';

/** A guest's own answer page (/p/r/…): a server-rendered form, no JavaScript. */
export class RsvpPage {
  constructor(readonly page: Page) {}
  heading = (title: string) => this.page.getByRole('heading', { name: title });
  status = () => this.page.getByRole('status');
  alert = () => this.page.getByRole('alert');
  entryPass = () => this.page.getByRole('img', { name: 'Entry QR code' });

  async answer(yes: boolean, guests = 0) {
    await this.page.getByRole('radio', { name: yes ? 'Yes, I will come' : 'No, I cannot make it' }).check();
    if (yes) await this.page.getByRole('combobox', { name: 'How many of you?' }).selectOption(String(guests));
    await this.page.getByRole('button', { name: 'Send my answer' }).click();
  }
}

/** Staff: one event (answers against seats, guests, check-in). */
export class EventPage {
  constructor(readonly page: Page) {}
  heading = (title: string) => this.page.getByRole('heading', { level: 1, name: title });
  guests = () => this.page.getByRole('list', { name: 'Guests' });
  async search(q: string) {
    await this.page.getByRole('searchbox', { name: 'Find a guest' }).fill(q);
  }
  checkIn = (name: string) => this.page.getByRole('button', { name: `Check in ${name}` });
}
