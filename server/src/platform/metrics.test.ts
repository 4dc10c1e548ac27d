import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../testing/test-app.js';

describe('metrics', () => {
  const apps: TestApp[] = [];
  afterEach(() => Promise.all(apps.splice(0).map((a) => a.close())));
  const start = async (env: Record<string, string> = {}) => {
    const t = await buildTestApp({ env });
    apps.push(t);
    return t;
  };

  it('exposes request counts and durations by route pattern, event loop lag and the pool', async () => {
    const t = await start();
    await t.app.inject({ method: 'GET', url: '/api/clinics/some-clinic' });
    await t.app.inject({ method: 'GET', url: '/api/clinics/other-clinic' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    // Both lookups count under the route pattern, never the concrete URL.
    expect(text).toContain(
      'http_requests_total{method="GET",route="/api/clinics/:slug",status_code="404"} 2',
    );
    expect(text).not.toContain('some-clinic');
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0.005",method="GET"/);
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).toMatch(/openvisit_db_pool_waiting \d+/);
    expect(text).toMatch(/openvisit_db_pool_total \d+/);
  });

  it('requires the bearer token when one is configured', async () => {
    const token = 'metrics-token-for-tests-0123456789';
    const t = await start({ METRICS_TOKEN: token });
    const none = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    const wrong = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token.replace('0', '1')}` },
    });
    expect(wrong.statusCode).toBe(401);
    const right = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(right.statusCode).toBe(200);
  });

  it('moves /metrics off the public port when METRICS_PORT is set', async () => {
    const t = await start({ METRICS_PORT: '9464' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(404);
  });
});
