import { getCountries, getCountryCallingCode, type CountryCode } from 'libphonenumber-js/min';

export type Option = { value: string; label: string };

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });
const currencyNames = new Intl.DisplayNames(['en'], { type: 'currency' });

/** Phone regions (ISO 3166 alpha-2 with a numbering plan), e.g. "Nigeria (+234)". */
export function regionOptions(): Option[] {
  return getCountries()
    .map((c) => ({ value: c, label: `${regionNames.of(c) ?? c} (+${getCountryCallingCode(c)})` }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

export function currencyOptions(): Option[] {
  return Intl.supportedValuesOf('currency').map((c) => ({
    value: c,
    label: `${c} — ${currencyNames.of(c) ?? c}`,
  }));
}

export function timezoneOptions(): string[] {
  const zones = Intl.supportedValuesOf('timeZone');
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}

export const browserTimezone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** The browser's region ("en-NG" → NG), when it has a phone numbering plan. */
export function browserRegion(): CountryCode | null {
  const countries = new Set<string>(getCountries());
  for (const lang of navigator.languages ?? [navigator.language]) {
    const region = new Intl.Locale(lang).maximize().region;
    if (region && countries.has(region)) return region as CountryCode;
  }
  return null;
}

// A good first guess for the currency; the owner can pick any ISO 4217 code.
const CURRENCY_OF: Record<string, string> = {
  NG: 'NGN',
  GH: 'GHS',
  KE: 'KES',
  ZA: 'ZAR',
  EG: 'EGP',
  MA: 'MAD',
  US: 'USD',
  CA: 'CAD',
  MX: 'MXN',
  BR: 'BRL',
  AR: 'ARS',
  GB: 'GBP',
  IE: 'EUR',
  FR: 'EUR',
  DE: 'EUR',
  ES: 'EUR',
  IT: 'EUR',
  NL: 'EUR',
  BE: 'EUR',
  PT: 'EUR',
  AT: 'EUR',
  FI: 'EUR',
  GR: 'EUR',
  CH: 'CHF',
  SE: 'SEK',
  NO: 'NOK',
  DK: 'DKK',
  PL: 'PLN',
  CZ: 'CZK',
  TR: 'TRY',
  IN: 'INR',
  PK: 'PKR',
  BD: 'BDT',
  CN: 'CNY',
  JP: 'JPY',
  KR: 'KRW',
  SG: 'SGD',
  MY: 'MYR',
  ID: 'IDR',
  PH: 'PHP',
  TH: 'THB',
  VN: 'VND',
  AU: 'AUD',
  NZ: 'NZD',
  AE: 'AED',
  SA: 'SAR',
  IL: 'ILS',
};
export const currencyFor = (region: string | null) => (region && CURRENCY_OF[region]) || 'USD';
