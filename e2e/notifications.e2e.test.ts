import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSuite } from './support/suite.js';
import { signIn } from './support/sign-in.js';

const authToken = 'e2e-twilio-auth-token-9f0c33aa';
const publicUrl = 'https://visit.e2e.example';
const webhookPath = '/api/webhooks/twilio/sms';
const mariasMobile = '+15125550142';

/** Twilio's X-Twilio-Signature, computed here as Twilio computes it (docs/notifications.md). */
function sign(url: string, params: Record<string, string>): string {
  const hmac = createHmac('sha1', authToken).update(url);
  for (const name of Object.keys(params).sort()) hmac.update(name).update(params[name]!);
  return hmac.digest('base64');
}

// Maria turns texts on, replies STOP from her phone (Twilio calls our webhook), finds texts
// cannot be turned back on until she replies START, and then can.
describe('notification settings in the browser', () => {
  // Twilio's Messages API on loopback, in case anything texts during the story.
  let fakeTwilio: http.Server;
  let twilioUrl = '';
  beforeAll(async () => {
    fakeTwilio = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ sid: `SM${'e'.repeat(32)}`, status: 'queued' }));
      });
    });
    await new Promise<void>((resolve) => fakeTwilio.listen(0, '127.0.0.1', resolve));
    twilioUrl = `http://127.0.0.1:${(fakeTwilio.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        fakeTwilio.closeAllConnections();
        fakeTwilio.close(() => resolve());
      }),
  );
  const suite = browserSuite(() => ({
    PUBLIC_URL: publicUrl,
    TWILIO_ACCOUNT_SID: `AC${'e2'.repeat(16)}`,
    TWILIO_AUTH_TOKEN: authToken,
    TWILIO_FROM: '+15550100100',
    TWILIO_API_URL: twilioUrl,
  }));

  /** Maria's phone texting the clinic's number: Twilio posts it, signed, to the webhook. */
  async function textFromMaria(body: string) {
    const params = { From: mariasMobile, To: '+15550100100', Body: body, NumMedia: '0' };
    const res = await fetch(`${suite.server.baseUrl}${webhookPath}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': sign(`${publicUrl}${webhookPath}`, params),
      },
      body: new URLSearchParams(params),
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<Response></Response>');
  }

  const textsBox = (page: Page) => page.getByRole('checkbox', { name: /^Text messages/ });
  const numberField = (page: Page) => page.getByRole('textbox', { name: /^Mobile number/ });
  const save = (page: Page) =>
    page.getByRole('button', { name: 'Save notification settings' }).click();

  it('Maria chooses texts, opts out by replying STOP, and back in with START', async () => {
    const page = await suite.open('/sign-in');
    await signIn(page, 'maria@demo-clinic.test');
    await page
      .getByRole('navigation')
      .getByRole('link', { name: /^Notifications/ })
      .click();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await page.getByText('Emails and texts never contain medical details').waitFor();
    expect(await page.getByRole('checkbox', { name: /^Email/ }).isChecked()).toBe(true);
    expect(await textsBox(page).isChecked()).toBe(false);

    // By keyboard: texts on, with no number yet, is refused at the field.
    await textsBox(page).focus();
    await page.keyboard.press('Space');
    expect(await textsBox(page).isChecked()).toBe(true);
    await numberField(page).fill('');
    await save(page);
    await page.getByText('Enter the mobile number texts should go to.').waitFor();
    await expect
      .poll(() => numberField(page).evaluate((el) => el === document.activeElement))
      .toBe(true);

    await numberField(page).fill('(512) 555-0142');
    await save(page);
    await page
      .getByText(`Your notification settings are saved. Texts go to ${mariasMobile}.`)
      .waitFor();
    expect(await numberField(page).inputValue()).toBe(mariasMobile);

    await textFromMaria('Stop');
    await page.reload();
    await page.getByText('This number asked us to stop texting').waitFor();
    expect(await textsBox(page).isChecked()).toBe(false);

    await textsBox(page).check();
    await save(page);
    await page.getByText(/This number replied STOP\. Text START/).waitFor();
    expect(await numberField(page).getAttribute('aria-invalid')).toBe('true');

    await textFromMaria('START');
    await save(page);
    await page
      .getByText(`Your notification settings are saved. Texts go to ${mariasMobile}.`)
      .waitFor();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    await expect.poll(() => textsBox(page).isChecked()).toBe(true);
    expect(await page.getByText('This number asked us to stop texting').count()).toBe(0);
  }, 90_000);
});
