import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, sameOrigin, type TestApp } from './testing/test-app.js';

// The HTTP baseline every route inherits: problem+json errors, request ids, headers.
describe('HTTP baseline', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { BODY_LIMIT_BYTES: '2048' } });
  });
  afterAll(() => t.close());

  const expectProblem = (
    res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown },
    status: number,
    type: string,
  ) => {
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json() as Record<string, unknown>;
    expect(body).toMatchObject({ type: `/problems/${type}`, status });
    expect(typeof body.title).toBe('string');
    expect(body.requestId).toBe(res.headers['x-request-id']);
    return body;
  };

  it('answers an unknown API path with a 404 problem', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/does-not-exist?name=secret' });
    const body = expectProblem(res, 404, 'not-found');
    // The query string (possibly a patient search) is not echoed back.
    expect(body.instance).toBe('/api/does-not-exist');
  });

  it('answers a wrong method on a known path with 405 and Allow', async () => {
    const res = await t.app.inject({ method: 'DELETE', url: '/health/live' });
    expectProblem(res, 405, 'method-not-allowed');
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('answers validation failures with field paths', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/clinics/Not_A_Slug' });
    const body = expectProblem(res, 400, 'validation');
    expect(body.errors).toEqual([{ path: 'params.slug', message: expect.any(String) }]);
  });

  it('gives every response a request id, keeping a well-formed incoming one', async () => {
    const fresh = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await t.app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { 'x-request-id': 'lb-trace-12345678' },
    });
    expect(kept.headers['x-request-id']).toBe('lb-trace-12345678');
    const replaced = await t.app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { 'x-request-id': 'bad id\u0007with<script>' },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends the security headers with a strict script policy', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health/live' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it('forbids caching of API responses', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/info' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('serves the OpenAPI 3.1 document and the docs page', async () => {
    const spec = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(spec.statusCode).toBe(200);
    const doc = spec.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/health/ready', '/api/clinics/{slug}', '/api/info']),
    );
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
  });

  it('reports server info', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/info' });
    expect(res.json()).toMatchObject({ name: 'OpenVisit', demo: false });
  });
});

describe('HTTP body handling', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { BODY_LIMIT_BYTES: '2048' } });
    // A route of the test's own, to exercise body parsing the way every POST route will.
    t.app.post('/api/test-echo', { config: { access: { rule: 'public' } } }, async (request) => ({
      received: request.body,
    }));
  });
  afterAll(() => t.close());

  const post = (payload: string, contentType = 'application/json') =>
    t.app.inject({
      method: 'POST',
      url: '/api/test-echo',
      headers: { 'content-type': contentType, ...sameOrigin },
      payload,
    });

  it('accepts a well-formed body', async () => {
    const res = await post('{"ok":true}');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: { ok: true } });
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await post('{"unterminated": ');
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ type: '/problems/bad-request' });
  });

  it('refuses an oversized body with 413', async () => {
    const res = await post(JSON.stringify({ filler: 'x'.repeat(10_000) }));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ type: '/problems/payload-too-large' });
  });

  it('refuses an unsupported media type with 415', async () => {
    const res = await post('<xml/>', 'application/xml');
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ type: '/problems/unsupported-media-type' });
  });
});
