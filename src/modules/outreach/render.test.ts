import { describe, expect, it } from 'vitest';
import { checkTemplate, htmlOf, renderText, type MergeContext } from './render.ts';

const ctx: MergeContext = {
  customer: {
    name: 'Ngozi Okafor',
    first_name: 'Ngozi',
    email: 'n@example.com',
    phone: null,
    birthday: null,
  },
  shop: { name: 'Mama Put' },
  unsubscribe_url: 'https://crm.example.test/p/u/t',
  preferences_url: 'https://crm.example.test/p/prefs/t',
  survey_url: '',
};

describe('message templates (Liquid)', () => {
  it('fills merge fields, with fallbacks for missing ones', async () => {
    expect(await renderText('Hi {{ customer.first_name }} from {{ shop.name }}', ctx)).toBe(
      'Hi Ngozi from Mama Put',
    );
    expect(await renderText('Hi {{ customer.nickname | default: "friend" }}', ctx)).toBe('Hi friend');
    expect(await renderText('{{ customer.phone | default: "no phone" }}', ctx)).toBe('no phone');
  });

  it('runs no code and reads no file', async () => {
    await expect(renderText("{% include '/etc/passwd' %}", ctx)).rejects.toThrow(/cannot be filled in/);
    await expect(renderText("{% render 'package.json' %}", ctx)).rejects.toThrow(/cannot be filled in/);
    expect(await renderText('{{ customer.constructor }}{{ customer.__proto__ }}', ctx)).toBe('');
    // a loop that would run away is stopped
    await expect(renderText('{% for i in (1..100000000) %}{{ i }}{% endfor %}', ctx)).rejects.toThrow();
  });

  it('refuses a template that does not parse, naming the field', () => {
    expect(() => checkTemplate('Hello {{ customer.name ', '/body')).toThrow(/cannot be read/);
  });

  it('escapes the text in the HTML part and makes links clickable', () => {
    const html = htmlOf({
      text: 'Cakes <b>50% off</b>\n\nSee https://shop.example/cakes.',
      shopName: 'A & B',
      unsubscribeUrl: 'https://u',
      preferencesUrl: null,
    });
    expect(html).toContain('Cakes &lt;b&gt;50% off&lt;/b&gt;');
    expect(html).toContain(
      '<a href="https://shop.example/cakes" style="color:#1864ab">https://shop.example/cakes</a>.',
    );
    expect(html).toContain('A &amp; B');
  });
});
