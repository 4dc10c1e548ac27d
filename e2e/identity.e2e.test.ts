import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMailCatcher, type MailCatcher } from './support/mail.js';
import { demoPassword, signIn } from './support/sign-in.js';
import { browserSuite } from './support/suite.js';

const maria = { email: 'maria@demo-clinic.test', name: 'Maria Lopez' };
const drChen = { email: 'dr.chen@demo-clinic.test' };

const timeStep = () => Math.floor(Date.now() / 30_000);

describe('identity in the browser: register, confirm, sign in, sessions, sign out', () => {
  let mail: MailCatcher;
  beforeAll(async () => {
    mail = await startMailCatcher();
  });
  afterAll(() => mail?.close());
  // Registered after the mail catcher's hook, so its address is known when the server starts.
  const suite = browserSuite(() => ({ SMTP_URL: mail.url }));
  const open = (url: string) => suite.open(url);

  it('a new patient registers, confirms her email from the emailed link and signs in', async () => {
    const email = `ana.${randomBytes(4).toString('hex')}@example.test`;
    const password = 'amber kettle sunrise 42';
    const page = await open('/register');
    await page.getByRole('heading', { level: 1, name: 'Create an account' }).waitFor();
    expect(await page.title()).toContain('Create an account');
    // The clinic named by the link (the demo clinic by default) introduces the form.
    await page.getByText('Riverside Virtual Care (demo)').waitFor();

    await page.getByRole('textbox', { name: /^Your name/ }).fill('Ana Test');
    await page.getByRole('textbox', { name: /^Email/ }).fill(email);
    await page
      .getByLabel(/^Password/)
      .and(page.locator('input'))
      .fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your email to confirm your address' }).waitFor();

    const [, token] = await mail.waitFor(email, /\/verify-email\?token=([\w-]+)/);
    await page.goto(`${suite.server.baseUrl}/verify-email?token=${token}`);
    await page.getByText('Your email address is confirmed.').waitFor();
    // Sent once despite StrictMode's double effects: a second POST would have said "invalid".
    expect(await page.getByText('This link is invalid or has expired').count()).toBe(0);

    await page.getByRole('main').getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL('**/sign-in');
    await signIn(page, email, password);
    await page.waitForURL('**/patient');
    await page.getByRole('heading', { level: 1, name: 'Patient area' }).waitFor();
    await page.getByRole('banner').getByText('Ana Test').waitFor();
  });

  it('the link works once: opening it again says it is invalid', async () => {
    const email = `ben.${randomBytes(4).toString('hex')}@example.test`;
    const page = await open('/register');
    await page.getByRole('textbox', { name: /^Your name/ }).fill('Ben Test');
    await page.getByRole('textbox', { name: /^Email/ }).fill(email);
    await page
      .getByLabel(/^Password/)
      .and(page.locator('input'))
      .fill('copper lantern meadow 7');
    await page.getByRole('button', { name: 'Create account' }).click();
    const [, token] = await mail.waitFor(email, /\/verify-email\?token=([\w-]+)/);

    await page.goto(`${suite.server.baseUrl}/verify-email?token=${token}`);
    await page.getByText('Your email address is confirmed.').waitFor();
    await page.goto(`${suite.server.baseUrl}/verify-email?token=${token}`);
    const alert = page.getByRole('alert').filter({ hasText: 'This link is invalid' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('register again or contact the clinic');
  });

  it('Maria: a wrong password is refused, the right one opens her area; she sees her sessions and signs out', async () => {
    const page = await open('/sign-in');
    await signIn(page, maria.email, 'not-my-password-123');
    const alert = page
      .getByRole('alert')
      .filter({ hasText: 'The email or password is not correct.' });
    await alert.waitFor();
    expect(await page.getByRole('textbox', { name: /^Email/ }).inputValue()).toBe(maria.email);

    await page
      .getByLabel(/^Password/)
      .and(page.locator('input'))
      .fill(demoPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/patient');
    await page.getByRole('banner').getByText(maria.name).waitFor();

    await page.getByRole('link', { name: /Your sessions/ }).click();
    await page.waitForURL('**/account/sessions');
    await page.getByRole('heading', { level: 1, name: 'Your sessions' }).waitFor();
    expect(await page.title()).toContain('Your sessions');
    await page.getByText('This device', { exact: true }).waitFor();
    expect(await page.getByRole('heading', { level: 2, name: 'Chrome on Linux' }).count()).toBe(1);

    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('banner').getByText(maria.name).count()).toBe(0);
    await page.waitForURL('**/sign-in');
    await page.getByRole('status').filter({ hasText: 'You are signed out' }).waitFor();
  });

  it('Maria ends the session she left open on a shared computer', async () => {
    const shared = await open('/sign-in');
    await signIn(shared, maria.email, demoPassword);
    await shared.waitForURL('**/patient');

    const own = await open('/account/sessions');
    // Not signed in here yet: sent to sign in, and back to the sessions afterwards.
    await own.waitForURL('**/sign-in?next=%2Faccount%2Fsessions');
    await signIn(own, maria.email, demoPassword);
    await own.waitForURL('**/account/sessions');
    await own.getByText('This device', { exact: true }).waitFor();

    const endButtons = own.getByRole('button', { name: 'End session' });
    await endButtons.first().waitFor();
    const before = await endButtons.count();
    await endButtons.first().click();
    const dialog = own.getByRole('dialog', { name: 'End this session?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'End session' }).click();
    await own.getByText(/Session ended: .* is signed out\./).waitFor();
    await dialog.waitFor({ state: 'detached' });
    await own.waitForFunction(
      (count) =>
        Array.from(document.querySelectorAll('button')).filter(
          (b) => b.textContent === 'End session',
        ).length === count,
      before - 1,
    );

    // The shared computer is signed out: its next request finds no session.
    await shared.goto(`${suite.server.baseUrl}/account/sessions`);
    await shared.waitForURL('**/sign-in?next=%2Faccount%2Fsessions');
    await shared.getByRole('banner').getByRole('link', { name: 'Sign in' }).waitFor();
  });

  it('Dr. Chen must set up two-step sign-in, then signs in again with an app code', async () => {
    const page = await open('/sign-in');
    await signIn(page, drChen.email, demoPassword);
    await page.waitForURL('**/account/two-step/setup?required=1');
    await page.getByRole('heading', { level: 1, name: 'Two-step sign-in' }).waitFor();
    await page.getByText('The clinic requires two-step sign-in for your role').waitFor();
    // Mid sign-in the areas are not offered.
    expect(await page.getByRole('link', { name: /^Provider/ }).count()).toBe(0);
    await page.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();

    const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]+=*$/);
    const enrolledStep = timeStep();
    await page.getByRole('textbox', { name: /^6-digit code/ }).fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();

    const codes = page.getByTestId('recovery-codes').getByRole('listitem');
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    const continueButton = page.getByRole('button', { name: 'Continue' });
    expect(await continueButton.isDisabled()).toBe(true);
    await page.getByRole('checkbox', { name: 'I have saved my recovery codes' }).check();
    await continueButton.click();
    await page.waitForURL('**/provider');
    await page.getByRole('heading', { level: 1, name: 'Provider workspace' }).waitFor();

    await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/sign-in');
    await signIn(page, drChen.email, demoPassword);
    await page.waitForURL('**/sign-in/verify');
    await page.getByRole('heading', { level: 1, name: 'Enter your sign-in code' }).waitFor();

    // The code used at enrollment cannot be used again: wait for the app's next code.
    const deadline = Date.now() + 35_000;
    while (timeStep() === enrolledStep && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await page.getByRole('textbox', { name: /^6-digit code/ }).fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL('**/provider');
    await page.getByRole('heading', { level: 1, name: 'Provider workspace' }).waitFor();
  }, 90_000);
});
