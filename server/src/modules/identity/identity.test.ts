import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../platform/clock.js';
import { listOutbox } from '../../platform/mail/outbox-mailer.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { identityKit } from './identity-test-kit.js';

const strong = 'violet-harbor-lantern-92';

describe('registration, email verification and sign-in', () => {
  let t: TestApp;
  let kit: ReturnType<typeof identityKit>;
  let clinicSlug: string;
  beforeAll(async () => {
    t = await buildTestApp();
    kit = identityKit(t);
    clinicSlug = (await makeClinic(t.testDatabase.database.db)).slug;
  });
  afterAll(() => t.close());

  it('registers a patient who must confirm the email before signing in', async () => {
    const email = 'maria.new@example.test';
    const res = await kit.post('/api/auth/register', {
      email,
      password: strong,
      displayName: 'Maria New',
      clinicSlug,
    });
    expect(res.statusCode).toBe(202);

    const early = await kit.post('/api/auth/login', { email, password: strong });
    expect(early.statusCode).toBe(403);
    expect(early.json()).toMatchObject({ type: '/problems/email-not-verified' });

    const mail = await kit.latestMail(email, 'verify-email');
    expect(mail.textBody).toContain('/verify-email?token=');
    const token = kit.tokenIn(mail.textBody);
    expect((await kit.post('/api/auth/verify-email', { token })).statusCode).toBe(200);
    // Single use: the same link does not work twice.
    const again = await kit.post('/api/auth/verify-email', { token });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ type: '/problems/invalid-token' });

    const { res: login, raw } = await kit.login(email, strong);
    expect(raw).toMatchObject({ name: 'ov_session', httpOnly: true, sameSite: 'Lax', path: '/' });
    // 256-bit token, base64url.
    expect(raw.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(login.json()).toMatchObject({
      user: { email, displayName: 'Maria New' },
      memberships: [{ role: 'patient' }],
    });
  });

  it('answers alike for a known and an unknown email (no account enumeration)', async () => {
    const known = await makePerson(
      t.testDatabase.database.db,
      (await makeClinic(t.testDatabase.database.db)).id,
      'patient',
    );
    const unknown = 'nobody-here@example.test';

    const registerKnown = await kit.post('/api/auth/register', {
      email: known.email,
      password: strong,
      displayName: 'X',
      clinicSlug,
    });
    const registerUnknown = await kit.post('/api/auth/register', {
      email: unknown,
      password: strong,
      displayName: 'X',
      clinicSlug,
    });
    expect(registerKnown.statusCode).toBe(registerUnknown.statusCode);
    expect(registerKnown.body).toBe(registerUnknown.body);
    // The owner of the known address is told someone tried, instead of a second account.
    await kit.latestMail(known.email, 'security-notice');

    const wrongPassword = await kit.post('/api/auth/login', {
      email: known.email,
      password: 'not the password at all',
    });
    const noAccount = await kit.post('/api/auth/login', { email: unknown + 'x', password: strong });
    expect(wrongPassword.statusCode).toBe(401);
    expect(noAccount.statusCode).toBe(401);
    const strip = (body: string) => {
      const { requestId: _r, ...rest } = JSON.parse(body) as Record<string, unknown>;
      return rest;
    };
    expect(strip(wrongPassword.body)).toEqual(strip(noAccount.body));

    const resetKnown = await kit.post('/api/auth/password-reset', { email: known.email });
    const resetUnknown = await kit.post('/api/auth/password-reset', { email: unknown + 'y' });
    expect(resetKnown.statusCode).toBe(202);
    expect(resetKnown.body).toBe(resetUnknown.body);
  });

  it('refuses weak passwords with field-level reasons', async () => {
    const attempt = (
      password: string,
      email = 'weak@example.test',
      displayName = 'Jordan Weakley',
    ) => kit.post('/api/auth/register', { email, password, displayName, clinicSlug });
    for (const password of ['short-pw1', 'password1234', 'qwertyuiop123', 'x'.repeat(129)]) {
      const res = await attempt(password);
      expect(res.statusCode, password).toBe(400);
      expect(res.json()).toMatchObject({
        type: '/problems/validation',
        errors: [{ path: 'body.password' }],
      });
    }
    expect((await attempt('weakley-forever-and-ever')).statusCode).toBe(400);
    expect((await attempt('jordan.smith.rocks!', 'jordan.smith@example.test')).statusCode).toBe(
      400,
    );
    // Long passphrases, any characters, no composition rules.
    expect((await attempt('the quiet river bends at dawn', 'fine@example.test')).statusCode).toBe(
      202,
    );
  });

  it('rejects state-changing requests without the CSRF header or from another origin', async () => {
    const payload = { email: 'a@example.test', password: strong };
    const noHeader = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin: 'http://localhost:80' },
      payload,
    });
    expect(noHeader.statusCode).toBe(403);
    expect(noHeader.json()).toMatchObject({ type: '/problems/csrf-rejected' });
    const otherSite = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin: 'https://evil.test', 'x-openvisit-request': '1' },
      payload,
    });
    expect(otherSite.statusCode).toBe(403);
    const noOrigin = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'x-openvisit-request': '1' },
      payload,
    });
    expect(noOrigin.statusCode).toBe(403);
  });
});

describe('sessions', () => {
  let t: TestApp;
  let kit: ReturnType<typeof identityKit>;
  let clinicId: string;
  const clock = manualClock();
  beforeAll(async () => {
    t = await buildTestApp({ clock });
    kit = identityKit(t);
    clinicId = (await makeClinic(t.testDatabase.database.db)).id;
  });
  afterAll(() => t.close());
  const person = (role: 'patient' | 'provider' = 'patient') =>
    makePerson(t.testDatabase.database.db, clinicId, role);
  const minutes = (n: number) => n * 60_000;

  it('ends a patient session after 30 idle minutes, and activity keeps it alive', async () => {
    const p = await person();
    const { cookie } = await kit.login(p.email, p.password);
    clock.advance(minutes(25));
    expect((await kit.get('/api/auth/session', cookie)).statusCode).toBe(200);
    clock.advance(minutes(25));
    expect((await kit.get('/api/auth/session', cookie)).statusCode).toBe(200);
    clock.advance(minutes(31));
    const expired = await kit.get('/api/auth/session', cookie);
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ type: '/problems/unauthenticated' });
  });

  it('ends a provider session after 15 idle minutes', async () => {
    const p = await person('provider');
    const { cookie, res } = await kit.login(p.email, p.password);
    const { session } = res.json<{ session: { idleExpiresAt: string } }>();
    expect(new Date(session.idleExpiresAt).getTime() - clock.now().getTime()).toBe(minutes(15));
    clock.advance(minutes(16));
    expect((await kit.get('/api/auth/session', cookie)).statusCode).toBe(401);
  });

  it('ends any session 12 hours after sign-in, however active', async () => {
    const p = await person();
    const { cookie } = await kit.login(p.email, p.password);
    for (let i = 0; i < 35; i++) {
      clock.advance(minutes(20)); // 11 h 40 min in all
      expect((await kit.get('/api/auth/session', cookie)).statusCode).toBe(200);
    }
    clock.advance(minutes(21));
    expect((await kit.get('/api/auth/session', cookie)).statusCode).toBe(401);
  });

  it('logs out on the server: the cookie is worthless afterwards', async () => {
    const p = await person();
    const { cookie } = await kit.login(p.email, p.password);
    expect((await kit.post('/api/auth/logout', {}, cookie)).statusCode).toBe(204);
    expect((await kit.get('/api/auth/session', cookie)).statusCode).toBe(401);
  });

  it('issues a new session id at every sign-in', async () => {
    const p = await person();
    const first = await kit.login(p.email, p.password);
    const second = await kit.login(p.email, p.password);
    expect(first.raw.value).not.toBe(second.raw.value);
  });

  it('lists a person’s sessions and lets them end one, but never someone else’s', async () => {
    const p = await person();
    const laptop = await kit.login(p.email, p.password);
    const shared = await kit.login(p.email, p.password);
    const list = await kit.get('/api/auth/sessions', laptop.cookie);
    const { sessions } = list.json<{ sessions: { id: string; current: boolean }[] }>();
    expect(sessions).toHaveLength(2);
    const other = sessions.find((s) => !s.current)!;

    const stranger = await person();
    const strangerLogin = await kit.login(stranger.email, stranger.password);
    const foreign = await t.app.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${other.id}`,
      headers: {
        cookie: strangerLogin.cookie,
        'x-openvisit-request': '1',
        origin: 'http://localhost:80',
      },
    });
    expect(foreign.statusCode).toBe(404);
    expect((await kit.get('/api/auth/session', shared.cookie)).statusCode).toBe(200);

    const own = await t.app.inject({
      method: 'DELETE',
      url: `/api/auth/sessions/${other.id}`,
      headers: { cookie: laptop.cookie, 'x-openvisit-request': '1', origin: 'http://localhost:80' },
    });
    expect(own.statusCode).toBe(204);
    expect((await kit.get('/api/auth/session', shared.cookie)).statusCode).toBe(401);
    expect((await kit.get('/api/auth/session', laptop.cookie)).statusCode).toBe(200);
  });

  it('ends every session when the password changes, and renews the current one', async () => {
    const p = await person();
    const phone = await kit.login(p.email, p.password);
    const desk = await kit.login(p.email, p.password);
    const newPassword = 'amber-meadow-compass-41';
    const res = await kit.post(
      '/api/auth/password',
      { currentPassword: p.password, newPassword },
      desk.cookie,
    );
    expect(res.statusCode).toBe(200);
    const renewed = res.cookies.find((c) => c.name === 'ov_session')!;
    expect((await kit.get('/api/auth/session', phone.cookie)).statusCode).toBe(401);
    expect((await kit.get('/api/auth/session', desk.cookie)).statusCode).toBe(401);
    expect((await kit.get('/api/auth/session', `ov_session=${renewed.value}`)).statusCode).toBe(
      200,
    );
    await kit.login(p.email, newPassword);
  });

  it('resets a forgotten password by a single-use emailed link, signing out everywhere', async () => {
    const p = await person();
    const before = await kit.login(p.email, p.password);
    expect((await kit.post('/api/auth/password-reset', { email: p.email })).statusCode).toBe(202);
    const token = kit.tokenIn((await kit.latestMail(p.email, 'password-reset')).textBody);

    const weak = await kit.post('/api/auth/password-reset/confirm', {
      token,
      password: 'password1234',
    });
    expect(weak.statusCode).toBe(400);
    const password = 'copper-lighthouse-orbit-7';
    expect(
      (await kit.post('/api/auth/password-reset/confirm', { token, password })).statusCode,
    ).toBe(204);
    expect(
      (await kit.post('/api/auth/password-reset/confirm', { token, password })).statusCode,
    ).toBe(400);
    expect((await kit.get('/api/auth/session', before.cookie)).statusCode).toBe(401);
    await kit.login(p.email, password);
  });

  it('expires a reset link after 30 minutes', async () => {
    const p = await person();
    await kit.post('/api/auth/password-reset', { email: p.email });
    const token = kit.tokenIn((await kit.latestMail(p.email, 'password-reset')).textBody);
    clock.advance(minutes(31));
    const res = await kit.post('/api/auth/password-reset/confirm', {
      token,
      password: 'granite-willow-sparrow-3',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ type: '/problems/invalid-token' });
  });

  it('never puts a password or token in the logs or the outbox beyond the link itself', async () => {
    const p = await person();
    await kit.login(p.email, p.password);
    const logs = t.rawLogs.join('\n');
    expect(logs).not.toContain(p.password);
    expect(logs).not.toContain(p.email);
    const mails = await listOutbox(t.testDatabase.database.db, {});
    expect(mails.map((m) => m.textBody).join('\n')).not.toContain(p.password);
  });
});
