import type { Page } from 'playwright-core';

/** The signed-in frame: header search, navigation, user menu, live status and caller pop-ups. */
export class AppShell {
  constructor(readonly page: Page) {}
  search = () => this.page.getByRole('searchbox', { name: 'Search customers' });
  greeting = () => this.page.getByRole('heading', { name: /^Hello/ });
  liveConnected = () => this.page.locator('[data-live="live"]');
  callPopup = (name: string | RegExp) =>
    this.page.getByRole('dialog', { name: typeof name === 'string' ? `Incoming call: ${name}` : name });

  async signOut() {
    await this.page.getByRole('button', { name: /^Account:/ }).click();
    await this.page.getByRole('menuitem', { name: 'Sign out' }).click();
  }

  /** Focus the search with "/" (as staff do) and type. */
  async searchFor(text: string) {
    await this.page.locator('body').click({ position: { x: 5, y: 200 } });
    await this.page.keyboard.press('/');
    await this.page.keyboard.type(text);
  }

  async openNav(label: string) {
    const burger = this.page.getByRole('button', { name: 'Menu' });
    if (await burger.isVisible()) await burger.click();
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
  }

  async waitForLive(timeout = 10_000) {
    await this.liveConnected().waitFor({ state: 'attached', timeout });
  }
}
