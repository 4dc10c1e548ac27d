import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessions } from '../../db/schema/index.js';
import { manualClock } from '../../platform/clock.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { identityKit } from './identity-test-kit.js';

describe('idle limits a clinic configured shorter than the defaults', () => {
  let t: TestApp;
  let kit: ReturnType<typeof identityKit>;
  let clinicId: string;
  const clock = manualClock();
  beforeAll(async () => {
    t = await buildTestApp({
      clock,
      env: { SESSION_IDLE_TIMEOUT_STAFF_S: '120', SESSION_IDLE_TIMEOUT_PATIENT_S: '20' },
    });
    kit = identityKit(t);
    clinicId = (await makeClinic(t.testDatabase.database.db)).id;
  });
  afterAll(() => t.close());
  const person = (role: 'patient' | 'provider') =>
    makePerson(t.testDatabase.database.db, clinicId, role);
  const seconds = (n: number) => n * 1000;
  const idleLeft = (res: { json: <T>() => T }) =>
    new Date(res.json<{ session: { idleExpiresAt: string } }>().session.idleExpiresAt).getTime() -
    clock.now().getTime();

  it('ends a provider session after the configured 2 idle minutes, not 15', async () => {
    const p = await person('provider');
    const { cookie, res } = await kit.login(p.email, p.password);
    expect(idleLeft(res)).toBe(seconds(120));
    clock.advance(seconds(100));
    // Activity keeps it going: 2 minutes from now again.
    const active = await kit.get('/api/auth/session', cookie);
    expect(active.statusCode).toBe(200);
    expect(idleLeft(active)).toBe(seconds(120));
    clock.advance(seconds(119));
    expect((await kit.get('/api/auth/session', cookie)).statusCode).toBe(200);
    clock.advance(seconds(121));
    const expired = await kit.get('/api/auth/session', cookie);
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ type: '/problems/unauthenticated' });
  });

  it('ends a patient session after 20 idle seconds and records why it ended', async () => {
    const p = await person('patient');
    const { cookie, res } = await kit.login(p.email, p.password);
    const { session } = res.json<{ session: { id: string } }>();
    expect(idleLeft(res)).toBe(seconds(20));
    clock.advance(seconds(20));
    expect((await kit.get('/api/auth/session', cookie)).statusCode).toBe(401);
    const [row] = await t.testDatabase.database.db
      .select({ revokedReason: sessions.revokedReason })
      .from(sessions)
      .where(eq(sessions.id, session.id));
    expect(row?.revokedReason).toBe('idle');
  });

  it('records activity every quarter of a short limit, so activity still keeps it alive', async () => {
    const p = await person('patient');
    const { cookie } = await kit.login(p.email, p.password);
    // Within a quarter of the limit (5 s) activity is not written: the limit still counts
    // from sign-in.
    clock.advance(seconds(4));
    const early = await kit.get('/api/auth/session', cookie);
    expect(idleLeft(early)).toBe(seconds(16));
    // From then on each request moves it: 20 seconds from that request.
    for (let i = 0; i < 6; i++) {
      clock.advance(seconds(15));
      const active = await kit.get('/api/auth/session', cookie);
      expect(active.statusCode).toBe(200);
      expect(idleLeft(active)).toBe(seconds(20));
    }
    clock.advance(seconds(21));
    expect((await kit.get('/api/auth/session', cookie)).statusCode).toBe(401);
  });
});
