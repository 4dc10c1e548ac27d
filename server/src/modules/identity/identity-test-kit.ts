import { generate } from 'otplib';
import { expect } from 'vitest';
import { listOutbox } from '../../platform/mail/outbox-mailer.js';
import { sameOrigin, type TestApp } from '../../testing/test-app.js';

/** Helpers for driving the identity routes the way the web app does. */
export function identityKit(t: TestApp) {
  const post = (url: string, payload: unknown, cookie?: string) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { ...sameOrigin, ...(cookie ? { cookie } : {}) },
      payload: payload as Record<string, unknown>,
    });
  const get = (url: string, cookie?: string) =>
    t.app.inject({ method: 'GET', url, headers: cookie ? { cookie } : {} });

  /** The newest email to an address, waiting for it (mail is sent after the response). */
  async function latestMail(to: string, category: string) {
    let found: Awaited<ReturnType<typeof listOutbox>>[number] | undefined;
    await expect
      .poll(async () => {
        found = (await listOutbox(t.testDatabase.database.db, { to })).find(
          (m) => m.category === category,
        );
        return found;
      })
      .toBeDefined();
    return found!;
  }

  const tokenIn = (text: string) => /token=([A-Za-z0-9_-]+)/.exec(text)![1]!;

  async function registerAndVerify(
    clinicSlug: string,
    email: string,
    password: string,
    displayName = 'Test Person',
  ) {
    const res = await post('/api/auth/register', { email, password, displayName, clinicSlug });
    expect(res.statusCode).toBe(202);
    const mail = await latestMail(email, 'verify-email');
    expect(
      (await post('/api/auth/verify-email', { token: tokenIn(mail.textBody) })).statusCode,
    ).toBe(200);
  }

  async function login(email: string, password: string) {
    const res = await post('/api/auth/login', { email, password });
    expect(res.statusCode, res.body).toBe(200);
    const cookie = res.cookies.find((c) => c.name.endsWith('ov_session'))!;
    return { res, cookie: `${cookie.name}=${cookie.value}`, raw: cookie };
  }

  /** Signs in a clinic role all the way: password, authenticator setup, first code. */
  async function loginWithAuthenticator(email: string, password: string, epochSeconds: number) {
    const { cookie } = await login(email, password);
    const setup = await post('/api/auth/mfa/totp/setup', {}, cookie);
    const { secret } = setup.json<{ secret: string }>();
    const code = await generate({ secret, epoch: epochSeconds });
    const confirmed = await post('/api/auth/mfa/totp/confirm', { code }, cookie);
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const renewed = confirmed.cookies.find((c) => c.name === 'ov_session')!;
    return { cookie: `${renewed.name}=${renewed.value}`, secret };
  }

  return { post, get, latestMail, tokenIn, registerAndVerify, login, loginWithAuthenticator };
}
