import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makePng } from './support/files.js';
import { browserSuite } from './support/suite.js';
import { enrollAuthenticator, signIn, verifyWithRecoveryCode } from './support/sign-in.js';

const photoSide = 40;
const photo = makePng(photoSide);
const bio = `Dr. Okafor is an internist who sees adults for prevention and diabetes care. (${Date.now()})`;

/** A date this many days from today, as a date input takes it. */
const daysFromNow = (days: number) =>
  new Date(Date.now() + days * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);

// One story, in order: the admin records a license about to expire; Dr. Okafor sees the
// warning on her own profile page, changes her bio and sets her photo; the admin sees it.
describe('a provider keeps their own profile and photo', () => {
  const suite = browserSuite();
  let adminRecoveryCodes: string[] = [];

  const navigate = async (page: Page, link: RegExp, heading: string) => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click();
    await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  };

  /** The image has loaded, at the photo's size, and its address serves the uploaded bytes. */
  const expectShowsPhoto = async (page: Page, image: Locator) => {
    await image.waitFor();
    await expect
      .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
      .toBe(photoSide);
    const src = await image.getAttribute('src');
    const served = await page.request.get(`${suite.server.baseUrl}${src!}`);
    expect(served.status()).toBe(200);
    expect((await served.body()).equals(photo)).toBe(true);
  };

  /** Dr. Okafor's profile as the API gives it to the page's session. */
  const okaforProfile = async (page: Page) => {
    const session = (await (
      await page.request.get(`${suite.server.baseUrl}/api/auth/session`)
    ).json()) as { user: { id: string }; memberships: { organizationId: string }[] };
    const clinicId = session.memberships[0]!.organizationId;
    const url = `${suite.server.baseUrl}/api/clinics/${clinicId}/provider-profiles/${session.user.id}`;
    return (await (await page.request.get(url)).json()) as { bio: string; photoId: string | null };
  };

  it('the admin records a New York license for Dr. Okafor that expires in 30 days', async () => {
    const page = await suite.open('/sign-in');
    await signIn(page, 'admin@demo-clinic.test');
    adminRecoveryCodes = (await enrollAuthenticator(page)).recoveryCodes;
    await navigate(page, /^Providers/, 'Providers');
    const okafor = page.getByRole('row').filter({ hasText: 'Dr. Ada Okafor' });
    await okafor.getByRole('img', { name: 'No photo of Dr. Ada Okafor yet' }).waitFor();
    await okafor.getByRole('button', { name: 'Manage' }).click();
    await page.getByRole('heading', { level: 2, name: 'Dr. Ada Okafor' }).waitFor();
    await page.getByRole('combobox', { name: /^State/ }).selectOption({ label: 'New York (NY)' });
    await page.getByRole('textbox', { name: /^License number/ }).fill('NY-220417');
    await page.getByLabel(/^Expires on/).fill(daysFromNow(30));
    await page.getByRole('button', { name: 'Add license' }).click();
    await page.getByText('Added the NY license of Dr. Ada Okafor.').waitFor();
    // The admin sees it flagged too.
    await page
      .getByRole('row')
      .filter({ hasText: 'NY-220417' })
      .getByText('— expires in 30 days')
      .waitFor();
  }, 60_000);

  it('Dr. Okafor sees the expiry warning, changes her bio and uploads her photo', async () => {
    const page = await suite.open('/sign-in');
    await signIn(page, 'dr.okafor@demo-clinic.test');
    await enrollAuthenticator(page);
    await page.waitForURL('**/provider');
    // The provider home's link (the side navigation's also carries its description).
    await page.getByRole('link', { name: 'My profile', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'My profile' }).waitFor();
    const current = page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^My profile/ });
    expect(await current.getAttribute('aria-current')).toBe('page');

    // Licenses, read-only: the one expiring within 60 days is flagged, the lapsed one expired.
    const warning = page.getByRole('alert').filter({ hasText: 'A license expires soon' });
    await warning.getByText(/Your New York license expires in 30 days/).waitFor();
    const ny = page.getByRole('row').filter({ hasText: 'NY-220417' });
    await ny.getByText('— expires in 30 days').waitFor();
    await page.getByRole('row').filter({ hasText: '078912' }).getByText('GA expired').waitFor();
    expect(await page.getByRole('button', { name: 'Add license' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Revoke' }).count()).toBe(0);

    const about = page.getByRole('textbox', { name: /^About/ });
    await about.fill(bio);
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Your profile was saved.').waitFor();
    expect((await okaforProfile(page)).bio).toBe(bio);

    const photoRegion = page.getByRole('region', { name: 'Photo' });
    await photoRegion.getByRole('img', { name: 'No photo of Dr. Ada Okafor yet' }).waitFor();
    const fileInput = page.getByLabel('Photo', { exact: true }).and(page.locator('input'));
    // Too large: refused in the browser, before a byte is sent.
    await fileInput.setInputFiles({
      name: 'huge.png',
      mimeType: 'image/png',
      buffer: Buffer.alloc(6 * 1024 * 1024),
    });
    await page.getByRole('button', { name: 'Upload photo' }).click();
    await page.getByText('This file is 6 MB; files can be at most 5 MB.').waitFor();
    // Text dressed as a PNG: the server reads the content and refuses it (415).
    await fileInput.setInputFiles({
      name: 'me.png',
      mimeType: 'image/png',
      buffer: Buffer.from('not a picture\n'.repeat(50)),
    });
    await page.getByRole('button', { name: 'Upload photo' }).click();
    const refusal = page
      .getByRole('alert')
      .filter({ hasText: 'This kind of file is not accepted' });
    await refusal
      .getByText(/not a JPEG or PNG image, whatever its name says\. Nothing was saved\./)
      .waitFor();
    expect((await okaforProfile(page)).photoId).toBeNull();

    await fileInput.setInputFiles({ name: 'okafor.png', mimeType: 'image/png', buffer: photo });
    await page.getByRole('button', { name: 'Upload photo' }).click();
    await page.getByText('Your new photo is saved.', { exact: false }).waitFor();
    const progress = page.getByRole('progressbar', { name: 'Upload progress' });
    expect(await progress.getAttribute('aria-valuenow')).toBe('100');
    await page.getByText('Upload complete.').waitFor();
    expect(await refusal.count()).toBe(0);
    await expectShowsPhoto(page, photoRegion.getByRole('img', { name: 'Photo of Dr. Ada Okafor' }));
    expect((await okaforProfile(page)).photoId).not.toBeNull();
    await page.getByRole('button', { name: 'Replace photo' }).waitFor();
  }, 90_000);

  it('the admin sees the new photo and bio on the Providers page', async () => {
    const page = await suite.open('/sign-in');
    await signIn(page, 'admin@demo-clinic.test');
    await verifyWithRecoveryCode(page, adminRecoveryCodes[0]!);
    await navigate(page, /^Providers/, 'Providers');
    const okafor = page.getByRole('row').filter({ hasText: 'Dr. Ada Okafor' });
    await expectShowsPhoto(page, okafor.getByRole('img', { name: 'Photo of Dr. Ada Okafor' }));
    // Dr. Chen has none: a placeholder that says so.
    await page
      .getByRole('row')
      .filter({ hasText: 'Dr. Lin Chen' })
      .getByRole('img', { name: 'No photo of Dr. Lin Chen yet' })
      .waitFor();
    await okafor.getByRole('button', { name: 'Manage' }).click();
    await page.getByRole('heading', { level: 2, name: 'Dr. Ada Okafor' }).waitFor();
    expect(await page.getByRole('textbox', { name: /^About/ }).inputValue()).toBe(bio);
    await page.getByRole('button', { name: 'Replace photo' }).waitFor();
  }, 60_000);
});
