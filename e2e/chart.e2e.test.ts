import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makePng } from './support/files.js';
import { browserSuite } from './support/suite.js';
import { enrollAuthenticator, signIn } from './support/sign-in.js';

const correction = 'My date of birth should be 12 April 1988, not 1989.';
const denial = 'The date matches the birth certificate copy we hold on file.';

// One story, in order: Maria fills in her record; Dr. Chen reads it; the front desk
// answers Maria's correction request; Maria sees the answer.
describe('the patient chart in the browser', () => {
  const suite = browserSuite();
  const signedInWorkforce = async (email: string) => {
    const page = await suite.open('/sign-in');
    await signIn(page, email);
    await enrollAuthenticator(page);
    return page;
  };
  const nav = (page: Page, name: RegExp) =>
    page.getByRole('navigation').getByRole('link', { name }).click();

  it('Maria fills in her details, health history and insurance, and asks for a correction', async () => {
    const page = await suite.open('/sign-in');
    await signIn(page, 'maria@demo-clinic.test');
    await nav(page, /^My details/);
    await page.getByRole('heading', { level: 1, name: 'My details' }).waitFor();
    await page.getByRole('textbox', { name: /^Legal name/ }).fill('Maria Elena Lopez');
    await page.getByLabel('Date of birth').fill('1989-04-12');
    await page.getByRole('textbox', { name: /^Phone/ }).fill('+1 512 555 0142');
    await page.getByRole('combobox', { name: /^State/ }).selectOption('TX');
    await page.getByRole('combobox', { name: /^Time zone/ }).selectOption('America/Chicago');
    // A bad ZIP code is refused with the field's message, and nothing is saved.
    await page.getByRole('textbox', { name: /^ZIP code/ }).fill('7870');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Enter a ZIP code (12345 or 12345-6789).').waitFor();
    await page.getByRole('textbox', { name: /^ZIP code/ }).fill('78701');
    await page.getByRole('button', { name: 'Save details' }).click();
    await page.getByText('Your details are saved.').waitFor();
    await page.getByText(/^Version 1, saved/).waitFor();

    await nav(page, /^Health history/);
    await page.getByRole('heading', { level: 1, name: 'My health history' }).waitFor();
    const allergy = page.getByRole('form', { name: 'Add allergy' });
    await allergy.getByLabel(/^Allergy/).fill('Penicillin');
    await allergy.getByRole('textbox', { name: /^Reaction/ }).fill('Hives');
    await allergy.getByRole('combobox', { name: /^Severity/ }).selectOption('moderate');
    await allergy.getByRole('button', { name: 'Add allergy' }).click();
    await page.getByText('Penicillin added to allergies.').waitFor();
    await page.getByText('SNOMED CT 91936005').waitFor();
    const medication = page.getByRole('form', { name: 'Add medication' });
    await medication.getByLabel(/^Medication/).fill('Vitamin D 1000 IU');
    await medication.getByRole('button', { name: 'Add medication' }).click();
    await page.getByText('Vitamin D 1000 IU added to medications.').waitFor();

    await nav(page, /^Insurance/);
    await page.getByRole('button', { name: 'Add insurance' }).click();
    await page.getByRole('textbox', { name: /^Insurance company/ }).fill('Lone Star Health');
    await page.getByRole('textbox', { name: /^Member ID/ }).fill('LSH-4471902');
    const cardFront = { name: 'card-front.png', mimeType: 'image/png', buffer: makePng() };
    await page.locator('input[type=file]').first().setInputFiles(cardFront);
    await page.getByRole('link', { name: 'Download the front photo' }).waitFor();
    await page.getByRole('button', { name: 'Save insurance' }).click();
    await page.getByText('Lone Star Health saved.').waitFor();
    await page.getByText('Member ID: LSH-4471902').waitFor();
    await page.getByText('Card photo: on file').waitFor();

    await nav(page, /^Correct my record/);
    await page.getByRole('combobox', { name: /^Which part/ }).selectOption('profile');
    await page.getByRole('textbox', { name: /^What is wrong/ }).fill(correction);
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByText('Your request was sent.').waitFor();
    await page.getByRole('row').filter({ hasText: correction }).getByText('pending').waitFor();
  }, 90_000);

  it('Dr. Chen reads Maria’s chart: her own entries are marked, history is kept', async () => {
    const page = await signedInWorkforce('dr.chen@demo-clinic.test');
    await nav(page, /^Patients/);
    await page.getByRole('link', { name: 'Maria Lopez' }).click();
    await page.getByRole('heading', { level: 1, name: 'Maria Lopez' }).waitFor();
    await page.getByRole('tab', { name: 'Health history' }).click();
    const penicillin = page.getByRole('listitem').filter({ hasText: 'Penicillin' });
    await penicillin.getByText('Patient-reported').waitFor();
    // Dr. Chen marks the vitamin as no longer taken: a new version, the old one kept.
    const vitamin = page.getByRole('listitem').filter({ hasText: 'Vitamin D 1000 IU' });
    await vitamin.getByRole('button', { name: /no longer applies/ }).click();
    await page.getByText('Vitamin D 1000 IU: No longer applies.').waitFor();
    await vitamin.getByRole('button', { name: 'History of Vitamin D 1000 IU' }).click();
    const dialog = page.getByRole('dialog', { name: 'History of Vitamin D 1000 IU' });
    await dialog.getByText(/^Version 2: .*, by Dr\. Lin Chen$/).waitFor();
    await dialog.getByText(/^Version 1: .*, by Maria Lopez$/).waitFor();
    await page.keyboard.press('Escape');

    await page.getByRole('tab', { name: 'Profile' }).click();
    expect(await page.getByRole('textbox', { name: /^Legal name/ }).inputValue()).toBe(
      'Maria Elena Lopez',
    );
  }, 90_000);

  it('the front desk denies the correction in writing, and Maria reads why', async () => {
    const desk = await signedInWorkforce('frontdesk@demo-clinic.test');
    await nav(desk, /^Corrections/);
    await desk.getByRole('heading', { level: 1, name: 'Correction requests' }).waitFor();
    const row = desk.getByRole('row').filter({ hasText: correction });
    await row.getByRole('textbox', { name: /^Reason/ }).fill(denial);
    await row.getByRole('button', { name: 'Deny' }).click();
    await desk.getByText('No correction requests.').waitFor();

    const page = await suite.open('/sign-in');
    await signIn(page, 'maria@demo-clinic.test');
    await nav(page, /^Correct my record/);
    const answered = page.getByRole('row').filter({ hasText: correction });
    await answered.getByText('denied').waitFor();
    await answered.getByText(denial, { exact: false }).waitFor();
  }, 90_000);
});
