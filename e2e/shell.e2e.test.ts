import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { artifactsDir, launchBrowser, watchForErrors } from './support/browser.js';
import { startBuiltServer, type RunningServer } from './support/server.js';

describe('web app shell, served by the built server', () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    server = await startBuiltServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  afterEach(async (context) => {
    if (context.task.result?.state === 'fail' && page) {
      mkdirSync(artifactsDir, { recursive: true });
      await page.screenshot({ path: path.join(artifactsDir, `${context.task.name}.png`) });
    }
    await page?.close();
  });

  const open = async (url: string) => {
    page = await browser.newPage();
    errors = watchForErrors(page);
    await page.goto(`${server.baseUrl}${url}`);
  };

  it('loads the home page and navigates to the system status, which reports ready', async () => {
    await open('/');
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(await page.title()).toContain('OpenVisit');

    await page.getByRole('link', { name: /System status/ }).click();
    await page.waitForURL('**/status');
    const status = page.getByTestId('readiness-status');
    await status.filter({ hasText: /^Ready$/ }).waitFor();
    await page.getByText('Demo mode').first().waitFor();
    // The strict CSP held: no violation, no script error.
    expect(errors).toEqual([]);
  });

  it('serves client-side routes on a direct load and reload', async () => {
    await open('/provider');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1 }).waitFor();
    expect(page.url()).toMatch(/\/provider$/);
    expect(errors).toEqual([]);
  });

  it('is keyboard-usable: the first Tab reaches the skip link, which moves focus to main', async () => {
    await open('/');
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    expect(await focused.textContent()).toContain('Skip to main content');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.activeElement?.id === 'main');
  });

  it('shows the sign-in form with labelled fields', async () => {
    await open('/sign-in');
    await page.getByRole('textbox', { name: /^Email/ }).fill('maria@demo-clinic.test');
    await page
      .getByLabel(/^Password/)
      .and(page.locator('input'))
      .fill('not-used-yet-123');
    await page.getByRole('button', { name: /sign in/i }).click();
    await page.getByRole('alert').waitFor();
    expect(errors).toEqual([]);
  });
});
