import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite } from './support/suite.js';
import { enrollAuthenticator, signIn, verifyWithRecoveryCode } from './support/sign-in.js';

// Short limits (production refuses under a minute) so the real timers run out in the test:
// the warning shows at half time, 10 seconds before the end.
const idleSeconds = 20;
// Every wait for the idle timers is bounded by one whole limit and some slack.
const idleWaitMs = (idleSeconds + 10) * 1000;

const maria = { email: 'maria@demo-clinic.test', name: 'Maria Lopez' };
const admin = { email: 'admin@demo-clinic.test', name: 'Sam Rivera' };
// The session tells the page its idle limit, so the message states it exactly.
const signedOutMessage = new RegExp(
  `You were signed out after ${idleSeconds} seconds without activity\\.`,
);

describe('automatic logoff in the browser', () => {
  const suite = browserSuite(() => ({
    SESSION_IDLE_TIMEOUT_STAFF_S: String(idleSeconds),
    SESSION_IDLE_TIMEOUT_PATIENT_S: String(idleSeconds),
  }));
  const open = (url: string) => suite.open(url);

  const warningOf = (page: Page) => page.getByRole('dialog', { name: 'Are you still there?' });
  const sessionCookieOf = async (page: Page) => {
    const cookie = (await page.context().cookies()).find((c) => c.name.endsWith('ov_session'));
    expect(cookie).toBeDefined();
    return `${cookie!.name}=${cookie!.value}`;
  };
  /** Waits, doing nothing, until the idle limit sends the page to sign in again. */
  const waitForIdleSignOut = async (page: Page, from: string) => {
    await warningOf(page).waitFor({ timeout: idleWaitMs });
    await page.waitForURL(`**/sign-in?next=${encodeURIComponent(from)}`, { timeout: idleWaitMs });
    await page.getByRole('alert').filter({ hasText: signedOutMessage }).waitFor();
    await warningOf(page).waitFor({ state: 'hidden' });
  };
  const inviteForm = (page: Page) => page.getByRole('region', { name: 'Invite someone' });
  const inviteValues = async (form: Locator) => ({
    name: await form.getByRole('textbox', { name: /^Name/ }).inputValue(),
    email: await form.getByRole('textbox', { name: /^Email/ }).inputValue(),
    role: await form.getByRole('combobox', { name: /^Role/ }).inputValue(),
  });
  const openPeople = async (page: Page) => {
    await page
      .getByRole('navigation')
      .getByRole('link', { name: /^People/ })
      .click();
    await page.waitForURL('**/admin/people');
    await inviteForm(page).waitFor();
  };

  it('Maria is warned before her session idles out, stays, then is signed out and comes back', async () => {
    const page = await open('/sign-in');
    await signIn(page, maria.email);
    await page.waitForURL('**/patient');
    await page.getByRole('banner').getByText(maria.name).waitFor();
    const cookie = await sessionCookieOf(page);

    const warning = warningOf(page);
    await warning.waitFor({ timeout: idleWaitMs });
    // About ten seconds (half the limit) before the end, counting down.
    expect(await warning.getByRole('timer').innerText()).toMatch(/^0:(1[01]|0\d)$/);
    // Keyboard and screen-reader users land on the choice that keeps them signed in.
    await page.waitForFunction(() => document.activeElement?.textContent === 'Stay signed in');

    const renewed = page.waitForResponse(
      (response) =>
        new URL(response.url()).pathname === '/api/auth/session' && response.status() === 200,
    );
    await warning.getByRole('button', { name: 'Stay signed in' }).click();
    await renewed;
    await warning.waitFor({ state: 'hidden' });
    expect(page.url()).toMatch(/\/patient$/);

    await waitForIdleSignOut(page, '/patient');
    await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();
    // The server ended it too: the old cookie opens nothing.
    const answer = await fetch(`${suite.server.baseUrl}/api/auth/session`, { headers: { cookie } });
    expect(answer.status).toBe(401);

    await signIn(page, maria.email);
    await page.waitForURL('**/patient');
    await page.getByRole('banner').getByText(maria.name).waitFor();
    expect(await page.getByText(signedOutMessage).count()).toBe(0);
  }, 120_000);

  it('an admin signed out while inviting someone finds the form as she left it, and only she does', async () => {
    const page = await open('/sign-in');
    await signIn(page, admin.email);
    const recoveryCodes = (await enrollAuthenticator(page)).recoveryCodes;
    await openPeople(page);
    const form = inviteForm(page);
    await form.getByRole('textbox', { name: /^Name/ }).fill('Dr. Rosa Idle');
    await form.getByRole('textbox', { name: /^Email/ }).fill('rosa.idle@example.test');
    await form.getByRole('combobox', { name: /^Role/ }).selectOption('staff');

    await waitForIdleSignOut(page, '/admin/people');
    await signIn(page, admin.email);
    await verifyWithRecoveryCode(page, recoveryCodes[0]!);
    await page.waitForURL('**/admin/people');
    expect(await inviteValues(form)).toEqual({
      name: 'Dr. Rosa Idle',
      email: 'rosa.idle@example.test',
      role: 'staff',
    });

    // Someone else signs in at this browser after the next idle sign-out: the drafts go.
    await waitForIdleSignOut(page, '/admin/people');
    await signIn(page, maria.email);
    await page.waitForURL('**/admin/people');
    await page.getByRole('banner').getByText(maria.name).waitFor();
    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
    await signIn(page, admin.email);
    await verifyWithRecoveryCode(page, recoveryCodes[1]!);
    await openPeople(page);
    expect(await inviteValues(form)).toEqual({ name: '', email: '', role: 'provider' });
  }, 150_000);
});
