import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite } from './support/suite.js';
import { enrollAuthenticator, signIn } from './support/sign-in.js';

const reason = 'Covering the on-call shift tonight for Dr. Chen.';

// One story, in order: staff manage a care team; a provider outside it needs emergency
// access; the admin reviews it.
describe('care teams and emergency access in the browser', () => {
  const suite = browserSuite();

  /** A fresh browser profile signed in as a clinic role (first sign-in: enrolls TOTP). */
  const signedIn = async (email: string) => {
    const page = await suite.open('/sign-in');
    await signIn(page, email);
    await enrollAuthenticator(page);
    return page;
  };
  const openPatients = async (page: Page) => {
    await page
      .getByRole('navigation')
      .getByRole('link', { name: /^Patients/ })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Patients' }).waitFor();
  };

  it('front-desk staff see every patient and put Dr. Okafor on James’s care team', async () => {
    const page = await signedIn('frontdesk@demo-clinic.test');
    await openPatients(page);
    for (const name of ['Maria Lopez', 'James Park', 'Aisha Bello']) {
      await page.getByRole('link', { name }).waitFor();
    }
    await page.getByRole('link', { name: 'James Park' }).click();
    await page.getByRole('heading', { level: 1, name: 'James Park' }).waitFor();
    await page.getByRole('listitem').filter({ hasText: 'Dr. Lin Chen' }).waitFor();
    await page.getByRole('combobox', { name: 'Add a provider' }).selectOption({
      label: 'Dr. Ada Okafor',
    });
    await page.getByRole('button', { name: 'Add to care team' }).click();
    await page.getByText('Dr. Ada Okafor joined the care team.').waitFor();
    await page.getByRole('listitem').filter({ hasText: 'Dr. Ada Okafor' }).waitFor();
  }, 60_000);

  it('Dr. Okafor opens Maria’s record only through break-glass, stating why', async () => {
    const page = await signedIn('dr.okafor@demo-clinic.test');
    await openPatients(page);
    // Her own patients: Aisha, and James from the test before.
    await page.getByRole('link', { name: 'Aisha Bello' }).waitFor();
    await page.getByRole('link', { name: 'James Park' }).waitFor();
    expect(await page.getByRole('link', { name: 'Maria Lopez' }).count()).toBe(0);

    await page
      .getByRole('textbox', { name: /^Patient's email address/ })
      .fill('maria@demo-clinic.test');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('link', { name: 'Maria Lopez' }).click();
    await page.getByText("You are not on this patient's care team").waitFor();

    await page.getByRole('textbox', { name: /^Reason for emergency access/ }).fill(reason);
    await page.getByRole('button', { name: 'Open the record in an emergency' }).click();
    await page.getByRole('heading', { level: 1, name: 'Maria Lopez' }).waitFor();
    await page.getByText('You opened this record with break-glass access.').waitFor();
  }, 60_000);

  it('the admin sees the emergency access with its reason and marks it reviewed', async () => {
    const page = await signedIn('admin@demo-clinic.test');
    await page
      .getByRole('navigation')
      .getByRole('link', { name: /^Emergency access/ })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Emergency access' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: 'Dr. Ada Okafor' });
    await row.getByText(reason).waitFor();
    expect(await row.getByText('Maria Lopez').count()).toBe(1);
    await row.getByRole('button', { name: /^Mark reviewed/ }).click();
    await row.getByText('Reviewed').waitFor();

    // The audit trail shows the emergency access, and exports it.
    await page
      .getByRole('navigation')
      .getByRole('link', { name: /^Audit trail/ })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Audit trail' }).waitFor();
    await page
      .getByRole('combobox', { name: 'Action' })
      .selectOption({ label: 'Emergency access' });
    await page.getByRole('button', { name: 'Search' }).click();
    const entry = page.getByRole('row').filter({ hasText: 'Dr. Ada Okafor' }).first();
    await entry.getByText('Maria Lopez').waitFor();
    await page.getByText(/^Entries 1–1 of 1\./).waitFor();
    const href = await page.getByRole('link', { name: 'Export as CSV' }).getAttribute('href');
    const csv = await page.request.get(`${suite.server.baseUrl}${href!}`);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toMatch(/Dr\. Ada Okafor,provider,break_glass/);

    // An admin can sign someone out on every device (here Dr. Okafor, after the review).
    await page
      .getByRole('navigation')
      .getByRole('link', { name: /^People/ })
      .click();
    await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
    const okafor = page.getByRole('row').filter({ hasText: 'Dr. Ada Okafor' });
    await okafor.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.getByRole('dialog', { name: 'Sign Dr. Ada Okafor out everywhere?' }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.getByText('Dr. Ada Okafor is signed out on every device.').waitFor();
  }, 60_000);

  it('Maria sees that Dr. Okafor opened her record in an emergency', async () => {
    const page = await suite.open('/sign-in');
    await signIn(page, 'maria@demo-clinic.test');
    await page.waitForURL('**/patient');
    await page
      .getByRole('navigation')
      .getByRole('link', { name: /^Access history/ })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Who accessed your record' }).waitFor();
    const access = page.getByRole('row').filter({ hasText: 'Dr. Ada Okafor' }).first();
    await access.getByText('Emergency access').waitFor();
    expect(await access.getByText('Provider').count()).toBe(1);
  }, 60_000);
});
