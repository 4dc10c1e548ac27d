import { createTheme, type CSSVariablesResolver } from '@mantine/core';

// Colours are picked for WCAG 2.1 AA on white: blue-8 is 5.0:1 (filled buttons, links, focus
// ring) and blue-9 on blue-1 is 4.9:1 (the active nav link). Mantine's default shade 6 is 3.6:1.
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: 8,
  focusRing: 'auto',
  defaultRadius: 'md',
});

// Mantine's defaults for secondary text (gray-6, 3.3:1) and error text (red-6, 3.3:1) are below
// 4.5:1, and its input border (gray-4, 1.5:1) below the 3:1 that WCAG 1.4.11 asks of controls.
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    '--mantine-color-default-border': 'var(--mantine-color-gray-6)',
  },
  dark: {},
});
