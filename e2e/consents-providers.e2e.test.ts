import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite } from './support/suite.js';
import { enrollAuthenticator, signIn } from './support/sign-in.js';

/** A date this many days from today, as a date input takes it. */
const daysFromNow = (days: number) =>
  new Date(Date.now() + days * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);

// One story, in order: Maria signs the consents; the admin keeps Dr. Okafor's profile and
// licenses and publishes a new telehealth consent; Maria is asked to sign again.
describe('provider profiles, licenses and consents in the browser', () => {
  const suite = browserSuite();

  const navigate = async (page: Page, link: RegExp, heading: string) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  };

  /** Maria's consent status, as the API reports it to her own session. */
  const consentStatus = async (page: Page) => {
    const session = (await (
      await page.request.get(`${suite.server.baseUrl}/api/auth/session`)
    ).json()) as { user: { id: string }; memberships: { organizationId: string }[] };
    const url = `${suite.server.baseUrl}/api/clinics/${session.memberships[0]!.organizationId}/patients/${session.user.id}/consents`;
    return (await (await page.request.get(url)).json()) as {
      missingRequired: string[];
      consents: { kind: string; signed: boolean; signedVersion: number | null }[];
    };
  };

  const signDocument = async (page: Page, title: string) => {
    const card = page.getByRole('region', { name: title, exact: true });
    await card.getByRole('textbox', { name: /^Type your full name to sign/ }).fill('Maria Lopez');
    await card.getByRole('button', { name: `Sign the ${title}` }).click();
    await page.getByText(`You signed the ${title} (version`).waitFor();
  };

  it('Maria reads and signs the telehealth consent and the privacy notice', async () => {
    const page = await suite.open('/sign-in');
    await signIn(page, 'maria@demo-clinic.test');
    await page.waitForURL('**/patient');
    // The home page says something waits for her signature.
    await page.getByText('2 to sign').waitFor();
    await navigate(page, /^Consent forms/, 'Consent forms');
    await page.getByText('2 required documents need your signature.').waitFor();
    // The whole text is there to read, in a region of its own.
    await page
      .getByRole('region', { name: 'Text of the Consent to telehealth visits' })
      .getByText(/In an emergency, call 911/)
      .waitFor();

    // An empty name is refused by the server with the field's message.
    const telehealth = page.getByRole('region', {
      name: 'Consent to telehealth visits',
      exact: true,
    });
    await telehealth.getByRole('button', { name: 'Sign the Consent to telehealth visits' }).click();
    await telehealth.getByText('Type your full name to sign.', { exact: true }).waitFor();

    await signDocument(page, 'Consent to telehealth visits');
    await signDocument(page, 'Notice of privacy practices');
    await page.getByText('You have signed every required document.').waitFor();
    expect((await consentStatus(page)).missingRequired).toEqual([]);
  }, 60_000);

  it('the admin corrects Dr. Okafor’s NPI, adds and revokes a license, and publishes a new telehealth consent', async () => {
    const page = await suite.open('/sign-in');
    await signIn(page, 'admin@demo-clinic.test');
    await enrollAuthenticator(page);
    await navigate(page, /^Providers/, 'Providers');

    const okafor = page.getByRole('row').filter({ hasText: 'Dr. Ada Okafor' });
    // The Georgia license lapsed: shown as expired.
    await okafor.getByText('GA expired').waitFor();
    await okafor.getByRole('button', { name: 'Manage' }).click();
    await page.getByRole('heading', { level: 2, name: 'Dr. Ada Okafor' }).waitFor();

    // A mistyped NPI is caught by its check digit as soon as the field is left.
    const npi = page.getByRole('textbox', { name: /^NPI/ });
    await npi.fill('1234567890');
    await npi.blur();
    await page
      .getByText('This is not a valid NPI: its check digit does not match.', { exact: false })
      .waitFor();
    await page.getByRole('button', { name: 'Save profile' }).click();
    expect(await page.getByText('Saved the profile of Dr. Ada Okafor.').count()).toBe(0);
    await npi.fill('1245319599');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Saved the profile of Dr. Ada Okafor.').waitFor();
    await okafor.getByText('1245319599').waitFor();

    // A New York license, valid for two years; then revoked (kept in the history).
    await page.getByRole('combobox', { name: /^State/ }).selectOption({ label: 'New York (NY)' });
    await page.getByRole('textbox', { name: /^License number/ }).fill('NY-301122');
    await page.getByLabel(/^Expires on/).fill(daysFromNow(730));
    await page.getByRole('button', { name: 'Add license' }).click();
    await page.getByText('Added the NY license of Dr. Ada Okafor.').waitFor();
    const ny = page.getByRole('row').filter({ hasText: 'NY-301122' });
    await ny.getByText('NY active').waitFor();
    await ny.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog', { name: 'Revoke the NY license?' }).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke license' }).click();
    await page.getByText('Revoked the NY license of Dr. Ada Okafor.').waitFor();
    await ny.getByText('NY revoked').waitFor();

    // A new version of the telehealth consent, from the current text.
    await navigate(page, /^Consent documents/, 'Consent documents');
    await page.getByRole('combobox', { name: /^Document/ }).selectOption({
      label: 'Telehealth consent',
    });
    await page.getByRole('button', { name: 'Start from the current text' }).click();
    const body = page.getByRole('textbox', { name: /^Text/ });
    await body.fill(
      `${await body.inputValue()}\n\nRecordings. We never record visits, and neither may you without your provider's agreement.`,
    );
    await page.getByRole('button', { name: 'Publish…' }).click();
    const dialog = page.getByRole('dialog', {
      name: 'Publish version 2 of the telehealth consent?',
    });
    await dialog
      .getByText(/Every patient will be asked to read and sign the new version/)
      .waitFor();
    await dialog.getByRole('button', { name: 'Publish version 2' }).click();
    await page
      .getByText('Published version 2 of the telehealth consent.', { exact: false })
      .waitFor();
    const session = (await (
      await page.request.get(`${suite.server.baseUrl}/api/auth/session`)
    ).json()) as { memberships: { organizationId: string }[] };
    const documents = (await (
      await page.request.get(
        `${suite.server.baseUrl}/api/clinics/${session.memberships[0]!.organizationId}/consent-documents`,
      )
    ).json()) as { current: { kind: string; version: number }[] };
    expect(documents.current.find((d) => d.kind === 'telehealth')?.version).toBe(2);
  }, 90_000);

  it('Maria is told the telehealth consent changed, and signs the new version', async () => {
    const page = await suite.open('/sign-in');
    await signIn(page, 'maria@demo-clinic.test');
    await page.waitForURL('**/patient');
    await page.getByText('1 to sign').waitFor();
    await navigate(page, /^Consent forms/, 'Consent forms');
    await page.getByText('Updated — please review and sign again').waitFor();
    await page
      .getByRole('region', { name: 'Text of the Consent to telehealth visits' })
      .getByText(/We never record visits/)
      .waitFor();
    expect((await consentStatus(page)).missingRequired).toEqual(['telehealth']);

    await signDocument(page, 'Consent to telehealth visits');
    await page.getByText('You have signed every required document.').waitFor();
    const status = await consentStatus(page);
    expect(status.missingRequired).toEqual([]);
    expect(status.consents.find((c) => c.kind === 'telehealth')).toMatchObject({
      signed: true,
      signedVersion: 2,
    });
  }, 60_000);
});
