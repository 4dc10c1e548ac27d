import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../testing/test-app.js';

describe('serving the built web app', () => {
  let t: TestApp;
  beforeAll(async () => {
    const dist = mkdtempSync(path.join(tmpdir(), 'ov web dist '));
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'index.html'), '<!doctype html><title>OpenVisit</title>');
    writeFileSync(path.join(dist, 'assets', 'main-3f9a1c.js'), 'console.log("app")');
    writeFileSync(path.join(dist, 'favicon.svg'), '<svg/>');
    t = await buildTestApp({ env: { WEB_DIST_DIR: dist } });
  });
  afterAll(() => t.close());

  const get = (url: string, accept = 'text/html') =>
    t.app.inject({ method: 'GET', url, headers: { accept } });

  it('serves index.html at / and revalidates it on every load', async () => {
    const res = await get('/');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<title>OpenVisit</title>');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('caches hashed assets for a year', async () => {
    const res = await get('/assets/main-3f9a1c.js', '*/*');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await get('/favicon.svg', '*/*')).headers['cache-control']).toBe('no-cache');
  });

  it('answers client-side routes with the app, so a reload works', async () => {
    const res = await get('/patient/visits');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<title>OpenVisit</title>');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('keeps unknown API paths and missing assets as problem+json 404s', async () => {
    const api = await get('/api/nothing-here');
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toMatch(/^application\/problem\+json/);
    const asset = await get('/assets/missing.js', '*/*');
    expect(asset.statusCode).toBe(404);
    // Even when a browser asks for HTML, these are not client-side routes.
    for (const url of ['/api', '/assets/missing.js', '/robots.txt', '/health/nope']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
    }
  });

  it('groups static files under one metrics label and one route group', async () => {
    await get('/assets/main-3f9a1c.js', '*/*');
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('route="web-app"');
    expect(metrics.body).not.toContain('main-3f9a1c');
  });
});
