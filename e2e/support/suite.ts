import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { artifactsDir, launchBrowser, watchForErrors } from './browser.js';
import { startBuiltServer, type RunningServer } from './server.js';

/**
 * A browser test file's fixture: the built server (with `env`, which may be computed once
 * earlier hooks have run) and Chromium, started once; every page a test opens is checked
 * for script errors, screenshotted if the test failed, and closed after it. `browserArgs` are
 * extra Chromium flags (fake camera and microphone for the video tests).
 */
export function browserSuite(
  env: () => Record<string, string> = () => ({}),
  options: { browserArgs?: string[] } = {},
) {
  let server: RunningServer | undefined;
  let browser: Browser | undefined;
  let pages: Page[] = [];
  let pageErrors: string[][] = [];

  beforeAll(async () => {
    server = await startBuiltServer(env());
    browser = await launchBrowser(options.browserArgs);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail') {
      mkdirSync(artifactsDir, { recursive: true });
      for (const [index, page] of pages.entries()) {
        await page.screenshot({
          path: path.join(artifactsDir, `${context.task.name} (${index + 1}).png`),
        });
      }
    }
    for (const page of pages) await page.close();
    pages = [];
    const errors = pageErrors.flat();
    pageErrors = [];
    // Script errors, CSP violations and failed loads fail the test that caused them.
    expect(errors).toEqual([]);
  });

  const suite = {
    get server(): RunningServer {
      if (!server) throw new Error('the server has not started');
      return server;
    },
    /** A fresh browser profile (own cookies): one per person or device. */
    async newPage(): Promise<Page> {
      if (!browser) throw new Error('the browser has not started');
      const page = await browser.newPage();
      pages.push(page);
      pageErrors.push(watchForErrors(page));
      return page;
    },
    /** A fresh profile on `url` of the server. */
    async open(url: string): Promise<Page> {
      const page = await suite.newPage();
      await page.goto(`${suite.server.baseUrl}${url}`);
      return page;
    },
  };
  return suite;
}
