import type { Locator, Page } from 'playwright-core';

/** Grow on Insights (three cards) and on the customer page (the "What to offer" panel). */
export class GrowPages {
  constructor(readonly page: Page) {}
  offerCard = () => this.page.getByRole('region', { name: 'What to offer next', exact: true });
  walletCard = () => this.page.getByRole('region', { name: 'Share of wallet', exact: true });
  profitCard = () => this.page.getByRole('region', { name: 'Who brings the profit', exact: true });
  customerPanel = () => this.page.getByRole('region', { name: 'What to offer', exact: true });

  /** The region and everything in it within the window's width. */
  async fits(region: Locator) {
    return region.evaluate((el) =>
      [el, ...el.querySelectorAll('*')].every(
        (e) => e.getBoundingClientRect().right <= window.innerWidth + 1,
      ),
    );
  }

  /** No sideways scrolling: the page fits the window. */
  async overflowsSideways() {
    return this.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  }
}
