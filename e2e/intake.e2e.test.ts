import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserSuite } from './support/suite.js';
import { enrollAuthenticator, signIn } from './support/sign-in.js';

const reason = 'Sore throat and fever since the weekend';

/** A date a few days back in this machine's calendar (the browser's too), as YYYY-MM-DD. */
function daysAgo(days: number): string {
  const date = new Date(Date.now() - days * 24 * 60 * 60 * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

const isFocused = (locator: Locator) => locator.evaluate((el) => el === document.activeElement);

// One story, in order: Maria answers the urgent-care questionnaire; Dr. Chen reads it.
describe('intake questionnaires in the browser', () => {
  const suite = browserSuite();

  const group = (page: Page, name: RegExp) => page.getByRole('group', { name });

  it('Maria fills the urgent-care questionnaire, fixing what it asks for', async () => {
    const page = await suite.open('/sign-in');
    await signIn(page, 'maria@demo-clinic.test');
    await page.waitForURL('**/patient');
    await page.getByRole('link', { name: 'pre-visit questionnaire', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Pre-visit questionnaire' }).waitFor();
    await page.getByText('You have not sent any questionnaire yet.').waitFor();
    await page
      .getByRole('combobox', { name: /^Questionnaire/ })
      .selectOption({ label: 'Urgent care visit' });

    const reasonInput = page.getByRole('textbox', { name: /^What is the main reason/ });
    await reasonInput.waitFor();
    const symptoms = group(page, /^Which of these symptoms/);
    await symptoms.getByRole('checkbox', { name: 'Cough' }).check();
    await symptoms.getByRole('checkbox', { name: 'Sore throat' }).check();
    await page.getByLabel(/^When did this start/).fill(daysAgo(3));
    await group(page, /^How bad is your pain/)
      .getByRole('radio', { name: '6', exact: true })
      .check();
    // The temperature question belongs to a fever: it appears only once Maria says yes.
    const temperature = page.getByRole('textbox', { name: /^What was your highest temperature/ });
    expect(await temperature.count()).toBe(0);
    await group(page, /^Do you have a fever/)
      .getByRole('radio', { name: 'Yes' })
      .check();
    await temperature.waitFor();
    await group(page, /^Have your medications changed/)
      .getByRole('radio', { name: 'No' })
      .check();

    // Sent without the reason and the temperature: both are flagged, focus on the first.
    const send = page.getByRole('button', { name: 'Send my answers' });
    await send.click();
    await page.getByText('2 answers need attention.').waitFor();
    expect(await isFocused(reasonInput)).toBe(true);
    expect(await reasonInput.getAttribute('aria-invalid')).toBe('true');
    await expect
      .poll(() => reasonInput.evaluate((el) => el.getAttribute('aria-describedby')))
      .toBeTruthy();
    await reasonInput.fill(reason);
    await send.click();
    await page.getByText('One answer needs attention.').waitFor();
    expect(await isFocused(temperature)).toBe(true);
    await temperature.fill('101.3');
    await send.click();

    const thanks = page.getByRole('heading', { name: 'Thank you: your answers were sent' });
    await thanks.waitFor();
    expect(await isFocused(thanks)).toBe(true);
    const past = page.getByRole('region', { name: 'Your past answers' });
    await past.getByText(reason).waitFor();
    await past.getByText('101.3 °F').waitFor();
    await past.getByText('Cough, Sore throat').waitFor();
  }, 60_000);

  it('Dr. Chen reads Maria’s answers on her record', async () => {
    const page = await suite.open('/sign-in');
    await signIn(page, 'dr.chen@demo-clinic.test');
    await enrollAuthenticator(page);
    await page
      .getByRole('navigation')
      .getByRole('link', { name: /^Patients/ })
      .click();
    await page.getByRole('link', { name: 'Maria Lopez' }).click();
    await page.getByRole('heading', { level: 1, name: 'Maria Lopez' }).waitFor();
    await page.getByRole('tab', { name: 'Questionnaires' }).click();
    const intake = page.getByRole('region', { name: 'Intake questionnaires' });
    await intake.getByText('Urgent care visit').waitFor();
    await intake.getByText(reason).waitFor();
    await intake.getByText('6 out of 10').waitFor();
    await intake.getByText('101.3 °F').waitFor();
    // A follow-up Maria never saw is not listed (medications unchanged).
    expect(await intake.getByText('Which medications changed, and how?').count()).toBe(0);
  }, 60_000);
});

describe('intake answers survive an idle sign-out', () => {
  // A short idle limit of its own (a second server), so the real timers run out here.
  const idleSeconds = 20;
  const idleWaitMs = (idleSeconds + 10) * 1000;
  const suite = browserSuite(() => ({ SESSION_IDLE_TIMEOUT_PATIENT_S: String(idleSeconds) }));

  it('Maria signs back in and finds the answers she had not sent yet', async () => {
    const page = await suite.open('/sign-in?next=%2Fpatient%2Fintake%3Fform%3Durgent-care');
    await signIn(page, 'maria@demo-clinic.test');
    await page.waitForURL('**/patient/intake?form=urgent-care');
    const reasonInput = page.getByRole('textbox', { name: /^What is the main reason/ });
    await reasonInput.fill('Draft: ear ache');
    await page
      .getByRole('group', { name: /^Do you have a fever/ })
      .getByRole('radio', { name: 'Yes' })
      .check();
    const temperature = page.getByRole('textbox', { name: /^What was your highest temperature/ });
    await temperature.fill('100.4');

    await page
      .getByRole('dialog', { name: 'Are you still there?' })
      .waitFor({ timeout: idleWaitMs });
    await page.waitForURL('**/sign-in?next=*', { timeout: idleWaitMs });
    await signIn(page, 'maria@demo-clinic.test');
    await page.waitForURL('**/patient/intake?form=urgent-care');
    await reasonInput.waitFor();
    expect(await reasonInput.inputValue()).toBe('Draft: ear ache');
    expect(await temperature.inputValue()).toBe('100.4');
    expect(
      await page
        .getByRole('group', { name: /^Do you have a fever/ })
        .getByRole('radio', { name: 'Yes' })
        .isChecked(),
    ).toBe(true);
  }, 90_000);
});
