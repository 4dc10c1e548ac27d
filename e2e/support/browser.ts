import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (never a downloaded browser); CHROMIUM_PATH overrides, e.g. on CI runners. */
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Playwright gives every launch a fresh, temporary profile directory of its own. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/**
 * Collects console errors and failed requests: a CSP violation shows up as a console error.
 * Chromium also logs every 4xx answer to a fetch as an error, but an API's 4xx is part of its
 * contract that the page handles (signed out, wrong password, expired link): those are left
 * out, while 5xx answers and failed page assets still count.
 */
export function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    if (isHandledApiAnswer(message.text(), message.location().url)) return;
    errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

function isHandledApiAnswer(text: string, url: string): boolean {
  if (!/^Failed to load resource: the server responded with a status of 4\d\d\b/.test(text)) {
    return false;
  }
  try {
    return new URL(url).pathname.startsWith('/api/');
  } catch {
    return false;
  }
}

export const artifactsDir = path.resolve(
  path.dirname(new URL(import.meta.url).pathname),
  '..',
  'artifacts',
);
