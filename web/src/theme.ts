import {
  createTheme,
  DEFAULT_THEME,
  type CSSVariablesResolver,
  type MantineColorsTuple,
} from '@mantine/core';

/**
 * Mantine's palettes with shades 6–9 (filled buttons, links, light badges' text, `c="teal.8"`) darkened so text
 * on them, or them as text on white, the gray-0 page and their own light tint, reaches WCAG AA (4.5:1). Shades
 * 0–5 (tints, borders, chart fills) stay Mantine's. Contrast of shade 6 with white: teal 5.7, orange 5.3,
 * red 5.5, blue 5.2, green 5.1, yellow 5.6, gray 5.8.
 */
const darker = (
  name: keyof typeof DEFAULT_THEME.colors,
  six: string,
  seven: string,
  eight: string,
  nine: string,
): MantineColorsTuple => {
  const [a, b, c, d, e, f] = DEFAULT_THEME.colors[name] as MantineColorsTuple;
  return [a, b, c, d, e, f, six, seven, eight, nine];
};

export const theme = createTheme({
  primaryColor: 'teal',
  primaryShade: 6,
  defaultRadius: 'md',
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, sans-serif',
  headings: { fontWeight: '650' },
  cursorType: 'pointer',
  colors: {
    teal: darker('teal', '#0b7553', '#096649', '#07573e', '#054632'),
    orange: darker('orange', '#b8470f', '#a13d0c', '#8a340a', '#732b08'),
    red: darker('red', '#c92a2a', '#b02525', '#962020', '#7d1a1a'),
    blue: darker('blue', '#1c6fbf', '#1862a9', '#145592', '#10477a'),
    green: darker('green', '#2f7d32', '#296e2c', '#235f26', '#1d5020'),
    yellow: darker('yellow', '#8a5a00', '#7a5000', '#6b4600', '#5c3c00'),
    gray: darker('gray', '#5f6670', '#495057', '#343a40', '#212529'),
  },
});

/** Secondary ("dimmed") text at 5.8:1 on white instead of Mantine's gray-6 (3.3:1). */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': '#5f6670' },
  dark: {},
});
