import type { Page } from 'playwright-core';

export class SettingsPage {
  constructor(readonly page: Page) {}

  /** Create an API key in the UI and read it from the shown-once box. */
  async createApiKey(name: string): Promise<string> {
    await this.page.getByRole('tab', { name: 'API keys' }).click();
    await this.page.getByLabel('Name', { exact: true }).fill(name);
    await this.page.getByRole('button', { name: 'Create key' }).click();
    const box = this.page.getByTestId('new-api-key');
    await box.waitFor();
    return (await box.textContent())?.trim() ?? '';
  }
}
