import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makePng } from './support/files.js';
import { browserSuite } from './support/suite.js';
import { enrollAuthenticator, signIn } from './support/sign-in.js';

const png = makePng();
const fileName = `cbc-results-${randomBytes(3).toString('hex')}.png`;

// One story: Maria shares a lab result and downloads it back; a text file dressed as a PDF
// is refused; Dr. Chen, on her care team, finds it in her chart.
describe('documents in the browser', () => {
  const suite = browserSuite();

  async function upload(
    page: Page,
    kind: string,
    file: { name: string; mimeType: string; buffer: Buffer },
  ) {
    await page.getByRole('combobox', { name: /^Kind of document/ }).selectOption({ label: kind });
    await page.getByLabel(/^File/).setInputFiles(file);
    await page.getByRole('button', { name: 'Upload' }).click();
  }

  it('Maria uploads a lab result with progress, sees it listed and downloads the same bytes', async () => {
    const page = await suite.open('/sign-in');
    await signIn(page, 'maria@demo-clinic.test');
    await page.waitForURL('**/patient');
    // The patient home's link (the side navigation's also carries its description).
    await page.getByRole('link', { name: 'My documents', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'My documents' }).waitFor();

    await upload(page, 'Lab result', { name: fileName, mimeType: 'image/png', buffer: png });
    await page.getByText(`${fileName} was added.`).waitFor();
    const progress = page.getByRole('progressbar', { name: 'Upload progress' });
    expect(await progress.getAttribute('aria-valuenow')).toBe('100');
    await page.getByText('Upload complete.').waitFor();

    const row = page.getByRole('row').filter({ hasText: fileName });
    await row.getByText('Lab result').waitFor();
    expect(await row.getByText('You').count()).toBe(1);
    const link = row.getByRole('link', { name: `Download ${fileName}` });
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(fileName);
    expect((await readFile(await download.path())).equals(png)).toBe(true);
    // The same link, fetched with the page's session: the bytes and the safe headers.
    const response = await page.request.get(
      `${suite.server.baseUrl}${await link.getAttribute('href')}`,
    );
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toBe('image/png');
    expect(response.headers()['content-disposition']).toMatch(/^attachment;/);
    expect(response.headers()['x-content-type-options']).toBe('nosniff');
    expect((await response.body()).equals(png)).toBe(true);
  }, 60_000);

  it('refuses a text file renamed to .pdf, saying why', async () => {
    const page = await suite.open('/sign-in');
    await signIn(page, 'maria@demo-clinic.test');
    await page.waitForURL('**/patient');
    await page.goto(`${suite.server.baseUrl}/patient/documents`);
    await page.getByRole('heading', { level: 1, name: 'My documents' }).waitFor();
    await upload(page, 'Referral', {
      name: 'referral-letter.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('Dear colleague, please see this patient.\n'.repeat(20)),
    });
    await page.getByText('This kind of file is not accepted').waitFor();
    await page.getByText(/whatever its name says\. Nothing was saved\./).waitFor();
    expect(await page.getByRole('row').filter({ hasText: 'referral-letter.pdf' }).count()).toBe(0);
  }, 60_000);

  it('Dr. Chen sees the document in Maria’s chart', async () => {
    const page = await suite.open('/sign-in');
    await signIn(page, 'dr.chen@demo-clinic.test');
    await enrollAuthenticator(page);
    await page
      .getByRole('navigation')
      .getByRole('link', { name: /^Patients/ })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Patients' }).waitFor();
    await page.getByRole('link', { name: 'Maria Lopez' }).click();
    await page.getByRole('heading', { level: 1, name: 'Maria Lopez' }).waitFor();
    await page.getByRole('tab', { name: 'Documents' }).click();
    await page.getByRole('heading', { level: 2, name: 'Documents' }).waitFor();
    const row = page.getByRole('row').filter({ hasText: fileName });
    await row.getByText('Maria Lopez').waitFor();
    await row.getByText('Lab result').waitFor();
    const href = await row.getByRole('link', { name: `Download ${fileName}` }).getAttribute('href');
    const response = await page.request.get(`${suite.server.baseUrl}${href}`);
    expect((await response.body()).equals(png)).toBe(true);
  }, 60_000);
});
