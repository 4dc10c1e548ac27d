import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../platform/clock.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { buildTestApp, testRedisUrl, type TestApp } from '../../testing/test-app.js';
import { identityKit } from './identity-test-kit.js';
import {
  ACCOUNT_FAILURE_CAP,
  createLoginThrottle,
  IP_FAILURE_CAP,
  memoryFailureStore,
  redisFailureStore,
  type FailureStore,
} from './login-throttle.js';

describe('failed sign-in throttling, through the API', () => {
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

  it('slows guessing with growing delays, while the owner’s known device gets straight in', async () => {
    const p = await makePerson(t.testDatabase.database.db, clinicId, 'patient');
    // The owner signed in on this device before: it carries the known-device cookie.
    const first = await kit.login(p.email, p.password);
    const device = first.res.cookies.find((c) => c.name === 'ov_device')!;
    expect(device).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

    const guess = () =>
      kit.post('/api/auth/login', { email: p.email, password: 'wrong guess 123456' });
    for (let i = 0; i < 5; i++) expect((await guess()).statusCode).toBe(401);
    const slowed = await guess();
    expect(slowed.statusCode).toBe(429);
    expect(slowed.json()).toMatchObject({ type: '/problems/rate-limited' });
    expect(Number(slowed.headers['retry-after'])).toBeGreaterThan(0);

    // Not a lockout: the owner, on their device, signs in at once.
    const owner = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: {
        'x-openvisit-request': '1',
        origin: 'http://localhost:80',
        cookie: `ov_device=${device.value}`,
      },
      payload: { email: p.email, password: p.password },
    });
    expect(owner.statusCode).toBe(200);
  });

  it('lets the next attempt through once the delay has passed, and grows the delay', async () => {
    const p = await makePerson(t.testDatabase.database.db, clinicId, 'patient');
    const guess = () =>
      kit.post('/api/auth/login', { email: p.email, password: 'wrong guess 123456' });
    for (let i = 0; i < 5; i++) await guess();
    clock.advance(1_000);
    expect((await guess()).statusCode).toBe(401); // 6th failure: next wait is 2 s
    clock.advance(1_000);
    expect((await guess()).statusCode).toBe(429);
    clock.advance(1_000);
    expect((await guess()).statusCode).toBe(401);
  });

  it('treats an unknown email exactly like a known one', async () => {
    const email = `ghost-${randomBytes(3).toString('hex')}@example.test`;
    for (let i = 0; i < 5; i++) {
      expect(
        (await kit.post('/api/auth/login', { email, password: 'wrong guess 123456' })).statusCode,
      ).toBe(401);
    }
    expect(
      (await kit.post('/api/auth/login', { email, password: 'wrong guess 123456' })).statusCode,
    ).toBe(429);
  });
});

function throttleContract(name: string, makeStore: () => FailureStore | Promise<FailureStore>) {
  describe(`login throttle caps (${name} store)`, () => {
    const clock = manualClock();
    let store: FailureStore;
    beforeAll(async () => {
      store = await makeStore();
    });
    const throttle = () => createLoginThrottle(store, clock, randomBytes(32));

    it(`stops an account after ${ACCOUNT_FAILURE_CAP} failures an hour, except from a known device`, async () => {
      const th = throttle();
      const email = `cap-${randomBytes(3).toString('hex')}@example.test`;
      for (let i = 0; i < ACCOUNT_FAILURE_CAP; i++) await th.failed(email, `10.0.${i % 250}.1`);
      clock.advance(61_000);
      await expect(th.check(email, '192.0.2.7', false)).rejects.toMatchObject({
        code: 'rate-limited',
      });
      await expect(th.check(email, '192.0.2.7', true)).resolves.toBeUndefined();
      // A device token is bound to its account and cannot be forged.
      expect(th.isKnownDevice(th.deviceToken('user-a'), 'user-a')).toBe(true);
      expect(th.isKnownDevice(th.deviceToken('user-a'), 'user-b')).toBe(false);
      expect(th.isKnownDevice('user-b.forged', 'user-b')).toBe(false);
    });

    it(`stops an IP after ${IP_FAILURE_CAP} failures an hour across accounts`, async () => {
      const th = throttle();
      const ip = `198.51.100.${Math.floor(Math.random() * 200)}`;
      for (let i = 0; i < IP_FAILURE_CAP; i++)
        await th.failed(`spray-${i}-${randomBytes(2).toString('hex')}@x.test`, ip);
      await expect(th.check('fresh@x.test', ip, false)).rejects.toMatchObject({
        code: 'rate-limited',
      });
      await expect(th.check('fresh@x.test', '203.0.113.1', false)).resolves.toBeUndefined();
    });
  });
}

throttleContract('memory', () => memoryFailureStore(manualClock()));
if (testRedisUrl) {
  const redis = new Redis(testRedisUrl, { keyPrefix: `test:${randomBytes(4).toString('hex')}:` });
  afterAll(() => redis.quit());
  throttleContract('redis', () => redisFailureStore(redis));
}
