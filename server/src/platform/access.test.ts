import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildTestApp, sameOrigin, type TestApp } from '../testing/test-app.js';

describe('access rules', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
    t.app.get('/api/test-undeclared', async () => ({ leaked: true }));
    t.app.post(
      '/api/test-undeclared-body',
      { schema: { body: z.object({ secretField: z.string() }) } },
      async () => ({ leaked: true }),
    );
    await t.app.ready();
  });
  afterAll(() => t.close());

  it('every route of the app declares an access rule', () => {
    const undeclared = t.routes
      .filter((r) => !r.url.startsWith('/api/test-undeclared') && !r.access)
      .map((r) => `${r.method} ${r.url}`);
    expect(undeclared).toEqual([]);
    // The inventory is real: it holds the routes we know exist.
    expect(t.routes.map((r) => `${r.method} ${r.url}`)).toEqual(
      expect.arrayContaining(['GET /health/ready', 'GET /api/clinics/:slug', 'GET /metrics']),
    );
  });

  it('refuses a route that declares no rule (deny by default)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/test-undeclared' });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ type: '/problems/forbidden' });
    expect(res.body).not.toContain('leaked');
  });

  it('decides before validating, so a refused caller learns nothing about the body', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/test-undeclared-body',
      headers: { 'content-type': 'application/json', ...sameOrigin },
      payload: '{"wrong": 1}',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ type: '/problems/forbidden' });
    expect(res.body).not.toContain('secretField');
  });

  it('marks plugin-registered routes public only in the expected groups', () => {
    const groups = new Set(t.routes.map((r) => r.routeGroup).filter(Boolean));
    expect([...groups].sort()).toEqual(['api-docs']);
  });
});
