import type { Page } from 'playwright-core';

/** The home page's "Who needs attention" tile: at-risk and rising customers from the latest refit. */
export class AttentionTile {
  constructor(readonly page: Page) {}
  tile = () => this.page.getByRole('region', { name: 'Who needs attention' });
  atRisk = () => this.tile().getByRole('region', { name: 'At risk' });
  rising = () => this.tile().getByRole('region', { name: 'Rising' });
  insightsLink = () => this.tile().getByRole('link', { name: 'Insights' });
}
