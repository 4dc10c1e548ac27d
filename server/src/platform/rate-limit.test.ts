import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, testRedisUrl, type TestApp } from '../testing/test-app.js';

describe('rate limiting', () => {
  const apps: TestApp[] = [];
  afterEach(() => Promise.all(apps.splice(0).map((a) => a.close())));
  const start = async (options: Parameters<typeof buildTestApp>[0]) => {
    const t = await buildTestApp(options);
    apps.push(t);
    return t;
  };
  const info = (t: TestApp) => t.app.inject({ method: 'GET', url: '/api/info' });

  it('answers 429 problem+json with Retry-After past the limit, sparing health checks', async () => {
    const t = await start({ env: { RATE_LIMIT_MAX: '3' } });
    for (let i = 0; i < 3; i++) expect((await info(t)).statusCode).toBe(200);
    const limited = await info(t);
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.json()).toMatchObject({ type: '/problems/rate-limited', status: 429 });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Probes from the load balancer are never throttled.
    expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
  });

  it.runIf(testRedisUrl)('shares one limit across instances through Redis', async () => {
    const redisPrefix = `test:shared:${randomBytes(6).toString('hex')}`;
    const env = { RATE_LIMIT_MAX: '3' };
    const first = await start({ env, redisPrefix });
    const second = await start({ env, redisPrefix });
    expect((await info(first)).statusCode).toBe(200);
    expect((await info(second)).statusCode).toBe(200);
    expect((await info(first)).statusCode).toBe(200);
    // The fourth request from the same client is refused, whichever instance it reaches.
    expect((await info(second)).statusCode).toBe(429);
  });
});
