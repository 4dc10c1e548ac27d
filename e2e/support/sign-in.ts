import type { Page } from 'playwright-core';
import { generate } from 'otplib';

export const demoPassword = 'openvisit-demo-2026';

/** Fills the sign-in form the way a person does. */
export async function signIn(page: Page, email: string, password = demoPassword) {
  await page.getByRole('textbox', { name: /^Email/ }).fill(email);
  await page
    .getByLabel(/^Password/)
    .and(page.locator('input'))
    .fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * A clinic role's first sign-in: set up the authenticator app from the page's secret,
 * confirm with a computed code, keep the recovery codes the page shows (signing in again
 * with one needs no wait for the app's next 30-second code), acknowledge them.
 */
export async function enrollAuthenticator(
  page: Page,
): Promise<{ secret: string; recoveryCodes: string[] }> {
  await page.waitForURL('**/account/two-step/setup?required=1');
  const secret = (await page.getByTestId('totp-secret').innerText()).replace(/\s/g, '');
  await page.getByRole('textbox', { name: /^6-digit code/ }).fill(await generate({ secret }));
  await page.getByRole('button', { name: 'Turn on two-step sign-in' }).click();
  const codes = page.getByTestId('recovery-codes').getByRole('listitem');
  await codes.first().waitFor();
  const recoveryCodes = (await codes.allInnerTexts()).map((code) => code.trim());
  await page.getByRole('checkbox', { name: 'I have saved my recovery codes' }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/account/two-step'));
  return { secret, recoveryCodes };
}

/** The second step of signing in, with a recovery code instead of an app code. */
export async function verifyWithRecoveryCode(page: Page, recoveryCode: string) {
  await page.waitForURL('**/sign-in/verify**');
  await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
  await page.getByRole('textbox', { name: /^Recovery code/ }).fill(recoveryCode);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}
