import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import { buildTestApp, sameOrigin, type TestApp } from '../testing/test-app.js';

// Canary values: if any of them shows up in a log line, something logged what it must not.
const canaries = {
  bearer: 'canary-bearer-7f3a9c',
  cookie: 'canary-session-51be02',
  query: 'canary-patient-name-Zyxwv',
  body: 'canary-body-dob-1961-02-03',
  pgDetail: 'canary-row-value-maria@example.test',
  dbParam: 'canary-query-param-Okonkwo',
};

describe('logging', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
    t.app.post('/api/test-fail', { config: { access: { rule: 'public' } } }, async () => {
      // What a driver error looks like: the message is generic, `detail` holds row values.
      throw Object.assign(new Error('duplicate key value violates unique constraint'), {
        code: '23505',
        detail: `Key (email)=(${canaries.pgDetail}) already exists.`,
      });
    });
    t.app.post('/api/test-db-fail', { config: { access: { rule: 'public' } } }, async () => {
      // A real failing query whose parameter is patient data: PostgreSQL echoes the value
      // in its message and drizzle lists every parameter in its own.
      await t.testDatabase.database.db.execute(sql`select ${canaries.dbParam}::int`);
      return {};
    });
    t.app.post('/api/test-app-error', { config: { access: { rule: 'public' } } }, async () => {
      throw new AppError('conflict');
    });
    await t.app.ready();
  });
  afterAll(() => t.close());

  it('never writes credentials, query strings, bodies or driver row values', async () => {
    await t.app.inject({
      method: 'GET',
      url: `/api/clinics/demo?search=${canaries.query}`,
      headers: { authorization: `Bearer ${canaries.bearer}`, cookie: `sid=${canaries.cookie}` },
    });
    const failed = await t.app.inject({
      method: 'POST',
      url: '/api/test-fail',
      headers: { 'content-type': 'application/json', ...sameOrigin },
      payload: JSON.stringify({ birthDate: canaries.body, password: canaries.body }),
    });
    expect(failed.statusCode).toBe(500);
    // The client learns nothing about the internals either.
    expect(failed.body).not.toContain('duplicate key');
    expect(failed.json()).toMatchObject({ type: '/problems/internal' });
    const dbFailed = await t.app.inject({
      method: 'POST',
      url: '/api/test-db-fail',
      headers: sameOrigin,
    });
    expect(dbFailed.statusCode).toBe(500);
    expect(dbFailed.body).not.toContain(canaries.dbParam);

    const all = t.rawLogs.join('\n');
    expect(t.rawLogs.length).toBeGreaterThan(3);
    for (const canary of Object.values(canaries)) expect(all).not.toContain(canary);
    // The fault itself is still diagnosable.
    expect(all).toContain('duplicate key value violates unique constraint');
    expect(all).toContain('23505');
    // ...including the failed query, by its SQL state and text without parameters.
    expect(all).toContain('"sqlState":"22P02"');
    expect(all).toContain('Failed query: select $1::int');
  });

  it('logs the path and request id of each request', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health/live?probe=1' });
    const id = res.headers['x-request-id'];
    const line = t.logs.find((l) => l.reqId === id && l.req);
    expect(line?.req).toMatchObject({ method: 'GET', url: '/health/live' });
  });

  it('does not log expected client errors as faults', async () => {
    const before = t.logs.filter((l) => l.level === 50).length;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/test-app-error',
      headers: sameOrigin,
    });
    expect(res.statusCode).toBe(409);
    expect(t.logs.filter((l) => l.level === 50)).toHaveLength(before);
  });
});
