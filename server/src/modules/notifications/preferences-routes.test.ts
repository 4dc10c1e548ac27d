import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { queryRows } from '../../testing/sql-rows.js';
import { buildTestApp, sameOrigin, type TestApp } from '../../testing/test-app.js';
import { newMobileNumber } from './notifications-test-kit.js';
import { createSmsOptOuts } from './sms-opt-outs.js';

const path = '/api/me/notification-preferences';

describe('notification preferences over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { RATE_LIMIT_MAX: '100000' } });
    await t.app.ready();
  });
  afterAll(() => t.close());
  const db = () => t.testDatabase.database.db;

  async function signedIn(role: 'patient' | 'provider' = 'patient') {
    const person = await makePerson(db(), (await makeClinic(db())).id, role);
    const { cookie } = await signedInCookie(t, person.id);
    const get = () => t.app.inject({ method: 'GET', url: path, headers: { cookie } });
    const put = (payload: Record<string, unknown>, headers: Record<string, string> = sameOrigin) =>
      t.app.inject({ method: 'PUT', url: path, headers: { ...headers, cookie }, payload });
    return { person, get, put };
  }

  it('shows the defaults, then what the person saved, to that person only', async () => {
    const patient = await signedIn();
    const other = await signedIn();
    expect((await patient.get()).json()).toEqual({
      emailEnabled: true,
      smsEnabled: false,
      smsNumber: null,
      smsOptedOut: false,
    });

    const saved = await patient.put({
      emailEnabled: false,
      smsEnabled: true,
      smsNumber: '+1 (555) 010-7788',
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const expected = {
      emailEnabled: false,
      smsEnabled: true,
      smsNumber: '+15550107788',
      smsOptedOut: false,
    };
    expect(saved.json()).toEqual(expected);
    expect((await patient.get()).json()).toEqual(expected);
    expect((await other.get()).json()).toMatchObject({ smsEnabled: false, smsNumber: null });
  });

  it('works for clinic staff and providers too', async () => {
    const provider = await signedIn('provider');
    const number = newMobileNumber();
    const saved = await provider.put({ emailEnabled: true, smsEnabled: true, smsNumber: number });
    expect(saved.statusCode, saved.body).toBe(200);
  });

  it('records who changed the settings on the audit trail, with ids only', async () => {
    const patient = await signedIn();
    const number = newMobileNumber();
    const res = await patient.put({ emailEnabled: true, smsEnabled: true, smsNumber: number });
    expect(res.statusCode).toBe(200);
    await t.auditWriter.flush();
    const events = await queryRows<Record<string, unknown>>(
      db(),
      sql`select action, resource_type, actor_user_id, outcome from audit_events
          where request_id = ${res.headers['x-request-id'] as string}`,
    );
    expect(events).toEqual([
      {
        action: 'update',
        resource_type: 'notification-preferences',
        actor_user_id: patient.person.id,
        outcome: 'allowed',
      },
    ]);
    const [hits] = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int as n from audit_events where to_jsonb(audit_events)::text like ${`%${number.slice(2)}%`}`,
    );
    expect(hits!.n).toBe(0);
  });

  it('answers a field-level 400 for a missing or malformed number, changing nothing', async () => {
    const patient = await signedIn();
    for (const smsNumber of [null, '', '12345', 'call me']) {
      const res = await patient.put({ emailEnabled: true, smsEnabled: true, smsNumber });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({
        type: '/problems/validation',
        errors: [{ path: 'body.smsNumber', message: expect.any(String) }],
      });
    }
    const malformed = await patient.put({ emailEnabled: 'yes', smsEnabled: true });
    expect(malformed.statusCode).toBe(400);
    expect((await patient.get()).json()).toMatchObject({ smsEnabled: false, smsNumber: null });
  });

  it('answers 409 sms-opted-out for a number that replied STOP, and shows the opt-out', async () => {
    const patient = await signedIn();
    const number = newMobileNumber();
    await createSmsOptOuts(db()).optOut(number, 'STOP');

    const refused = await patient.put({ emailEnabled: true, smsEnabled: true, smsNumber: number });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({
      type: '/problems/sms-opted-out',
      detail: expect.stringMatching(/START/),
      errors: [{ path: 'body.smsNumber', message: expect.stringMatching(/START/) }],
    });

    const kept = await patient.put({ emailEnabled: true, smsEnabled: false, smsNumber: number });
    expect(kept.json()).toEqual({
      emailEnabled: true,
      smsEnabled: false,
      smsNumber: number,
      smsOptedOut: true,
    });
  });

  it('needs a signed-in person, and the web app’s CSRF header to change anything', async () => {
    expect((await t.app.inject({ method: 'GET', url: path })).statusCode).toBe(401);
    const anonymous = await t.app.inject({
      method: 'PUT',
      url: path,
      headers: sameOrigin,
      payload: { emailEnabled: false, smsEnabled: false, smsNumber: null },
    });
    expect(anonymous.statusCode).toBe(401);

    const patient = await signedIn();
    const forged = await patient.put(
      { emailEnabled: false, smsEnabled: false, smsNumber: null },
      { origin: 'https://evil.example' },
    );
    expect(forged.statusCode).toBe(403);
    expect((await patient.get()).json()).toMatchObject({ emailEnabled: true });
  });
});
