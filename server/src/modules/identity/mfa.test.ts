import { eq } from 'drizzle-orm';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mfaTotp } from '../../db/schema/index.js';
import { manualClock } from '../../platform/clock.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { identityKit } from './identity-test-kit.js';

describe('two-step sign-in (TOTP and recovery codes)', () => {
  let t: TestApp;
  let kit: ReturnType<typeof identityKit>;
  let clinicId: string;
  const clock = manualClock(new Date('2026-11-01T15:00:00Z'));
  const codeFor = (secret: string) =>
    generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) });
  const stageOf = (res: { json: () => unknown }) =>
    (res.json() as { session: { stage: string } }).session.stage;
  const cookieFrom = (res: { cookies: { name: string; value: string }[] }) => {
    const c = res.cookies.find((x) => x.name === 'ov_session')!;
    return `${c.name}=${c.value}`;
  };

  beforeAll(async () => {
    t = await buildTestApp({ clock });
    kit = identityKit(t);
    clinicId = (await makeClinic(t.testDatabase.database.db)).id;
  });
  afterAll(() => t.close());

  it('lets a provider do nothing but enroll until an authenticator is set up', async () => {
    const dr = await makePerson(t.testDatabase.database.db, clinicId, 'provider');
    const { res, cookie } = await kit.login(dr.email, dr.password);
    expect(stageOf(res)).toBe('mfa-enrollment');
    const blocked = await kit.get('/api/auth/sessions', cookie);
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json()).toMatchObject({ type: '/problems/mfa-required' });
    // Still allowed: seeing who is signed in, and signing out.
    expect((await kit.get('/api/auth/session', cookie)).statusCode).toBe(200);

    const setup = await kit.post('/api/auth/mfa/totp/setup', {}, cookie);
    expect(setup.statusCode).toBe(200);
    const { secret, otpauthUri } = setup.json<{ secret: string; otpauthUri: string }>();
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\/OpenVisit:.*secret=/);
    // The secret is sealed at rest.
    const [row] = await t.testDatabase.database.db
      .select()
      .from(mfaTotp)
      .where(eq(mfaTotp.userId, dr.id));
    expect(row!.secretSealed).not.toContain(secret);

    const wrong = await kit.post('/api/auth/mfa/totp/confirm', { code: '000000' }, cookie);
    expect(wrong.statusCode).toBe(400);
    const confirmed = await kit.post(
      '/api/auth/mfa/totp/confirm',
      { code: await codeFor(secret) },
      cookie,
    );
    expect(confirmed.statusCode).toBe(200);
    const body = confirmed.json<{
      recoveryCodes: string[];
      session: { session: { stage: string } };
    }>();
    expect(body.recoveryCodes).toHaveLength(10);
    expect(new Set(body.recoveryCodes).size).toBe(10);
    expect(body.session.session.stage).toBe('complete');
    // Privilege went up: a new session id; the old cookie no longer works.
    const upgraded = cookieFrom(confirmed);
    expect(upgraded).not.toBe(cookie);
    expect((await kit.get('/api/auth/session', cookie)).statusCode).toBe(401);
    expect((await kit.get('/api/auth/sessions', upgraded)).statusCode).toBe(200);

    // Next sign-in asks for a code; a code cannot be replayed; a password alone cannot
    // replace the authenticator.
    clock.advance(60_000);
    const next = await kit.login(dr.email, dr.password);
    expect(stageOf(next.res)).toBe('mfa-challenge');
    expect((await kit.post('/api/auth/mfa/totp/setup', {}, next.cookie)).statusCode).toBe(403);
    expect((await kit.get('/api/auth/sessions', next.cookie)).statusCode).toBe(403);
    const code = await codeFor(secret);
    const ok = await kit.post('/api/auth/mfa/verify', { code }, next.cookie);
    expect(ok.statusCode).toBe(200);
    expect(stageOf(ok)).toBe('complete');

    const again = await kit.login(dr.email, dr.password);
    const replay = await kit.post('/api/auth/mfa/verify', { code }, again.cookie);
    expect(replay.statusCode).toBe(400);
    expect(replay.json()).toMatchObject({ type: '/problems/invalid-code' });

    // Recovery codes work once each.
    const recovery = body.recoveryCodes[0]!;
    const withRecovery = await kit.post(
      '/api/auth/mfa/verify',
      { recoveryCode: recovery.toUpperCase() },
      again.cookie,
    );
    expect(withRecovery.statusCode).toBe(200);
    const later = await kit.login(dr.email, dr.password);
    const reused = await kit.post('/api/auth/mfa/verify', { recoveryCode: recovery }, later.cookie);
    expect(reused.statusCode).toBe(400);
  });

  it('keeps two-step sign-in optional for patients', async () => {
    const patient = await makePerson(t.testDatabase.database.db, clinicId, 'patient');
    const { res, cookie } = await kit.login(patient.email, patient.password);
    expect(stageOf(res)).toBe('complete');
    expect((await kit.get('/api/auth/sessions', cookie)).statusCode).toBe(200);
    const setup = await kit.post('/api/auth/mfa/totp/setup', {}, cookie);
    const { secret } = setup.json<{ secret: string }>();
    const confirmed = await kit.post(
      '/api/auth/mfa/totp/confirm',
      { code: await codeFor(secret) },
      cookie,
    );
    expect(confirmed.statusCode).toBe(200);
    clock.advance(60_000);
    const next = await kit.login(patient.email, patient.password);
    expect(stageOf(next.res)).toBe('mfa-challenge');
  });
});
