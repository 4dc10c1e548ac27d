import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { queryRows } from '../../testing/sql-rows.js';
import { buildTestApp, sameOrigin, type TestApp } from '../../testing/test-app.js';
import { identityKit } from '../identity/identity-test-kit.js';

/**
 * The PHI canary: a patient whose every value is a unique marker goes through the main
 * flows (registration, sign-in and failed sign-in, record reads and changes, a disclosure
 * with free text, error paths), then the application log, every audit row, every metric
 * label and every error body are searched for the markers. Zero hits allowed.
 *
 * Values the record holds today are name, email and free text; the records, messaging and
 * scheduling capabilities add birth date, phone, address, insurance number and message
 * text to the same list as they arrive.
 */
const canary = {
  name: 'Canaryname Qwyxzv',
  email: 'canary.qwyxzv@example.test',
  disclosureText: 'CANARY-DISCLOSED-HIV-STATUS-77121',
  recipient: 'CANARY-RECIPIENT-Dr-Vexholm',
  search: 'canary.search.qwyxzv@example.test',
};
const canaryValues = Object.values(canary);

describe('no PHI outside the record (canary)', () => {
  let t: TestApp;
  const errorBodies: string[] = [];
  beforeAll(async () => {
    t = await buildTestApp({ env: { METRICS_TOKEN: 'canary-metrics-token-0123456789' } });
    await t.app.ready();
  });
  afterAll(() => t.close());

  it('finds no canary in logs, audit rows, metrics or error responses', async () => {
    const db = t.testDatabase.database.db;
    const kit = identityKit(t);
    const clinic = await makeClinic(db);
    const staff = await makePerson(db, clinic.id, 'staff');
    const provider = await makePerson(db, clinic.id, 'provider');
    const password = 'violet harbor lantern morning 2026';
    const keep = (res: { statusCode: number; body: string }) => {
      if (res.statusCode >= 400) errorBodies.push(res.body);
      return res;
    };

    // Registration (with its emailed link) and sign-in, including a failed attempt.
    await kit.registerAndVerify(clinic.slug, canary.email, password, canary.name);
    keep(await kit.post('/api/auth/login', { email: canary.email, password: 'wrong password!!' }));
    keep(await kit.post('/api/auth/login', { email: canary.search, password: 'wrong password!!' }));
    const { cookie: patientCookie, res: signedIn } = await kit.login(canary.email, password);
    const patientId = signedIn.json<{ user: { id: string } }>().user.id;

    const staffCookie = (await signedInCookie(t, staff.id)).cookie;
    const providerCookie = (await signedInCookie(t, provider.id)).cookie;
    const record = `/api/clinics/${clinic.id}/patients/${patientId}`;
    const as = (cookie: string, method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
      t.app
        .inject({
          method,
          url,
          headers: { ...sameOrigin, cookie },
          ...(payload ? { payload: payload as Record<string, unknown> } : {}),
        })
        .then(keep);

    // Reads, a search by the patient's email, changes, a disclosure with free text.
    await as(staffCookie, 'GET', `/api/clinics/${clinic.id}/patients`);
    await as(providerCookie, 'GET', `/api/clinics/${clinic.id}/patients?email=${canary.email}`);
    await as(providerCookie, 'GET', record); // refused: no care relationship yet
    await as(staffCookie, 'PUT', `${record}/care-team/${provider.id}`);
    await as(providerCookie, 'GET', record);
    await as(staffCookie, 'POST', `${record}/disclosures`, {
      disclosedAt: '2026-11-02T15:00:00.000Z',
      recipient: canary.recipient,
      description: canary.disclosureText,
      purpose: canary.disclosureText,
    });
    await as(patientCookie, 'GET', `${record}/disclosures`);
    await as(patientCookie, 'GET', `${record}/access-history`);
    // Error paths: invalid input echoing the values, a refused break-glass, bad ids.
    await as(staffCookie, 'POST', `${record}/disclosures`, {
      disclosedAt: canary.disclosureText,
      recipient: canary.recipient,
      description: '',
      purpose: canary.name,
    });
    await as(providerCookie, 'POST', `${record}/break-glass`, { reason: canary.name });
    await as(staffCookie, 'GET', `/api/clinics/${clinic.id}/patients?email=${canary.name}`);
    await as(patientCookie, 'POST', `/api/auth/password`, {
      currentPassword: canary.name,
      newPassword: canary.name,
    });
    await t.auditWriter.flush();

    const metrics = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: 'Bearer canary-metrics-token-0123456789' },
    });
    expect(metrics.statusCode).toBe(200);
    const audit = await queryRows<Record<string, unknown>>(db, sql`select * from audit_events`);
    expect(audit.length).toBeGreaterThan(10);
    expect(errorBodies.length).toBeGreaterThan(3);

    const places = {
      log: t.rawLogs.join('\n'),
      audit: JSON.stringify(audit),
      metrics: metrics.body,
      errors: errorBodies.join('\n'),
    };
    const hits = Object.entries(places).flatMap(([place, text]) =>
      canaryValues
        .filter((value) => text.toLowerCase().includes(value.toLowerCase()))
        .map((value) => `${place}: ${value}`),
    );
    expect(hits).toEqual([]);
  });
});
