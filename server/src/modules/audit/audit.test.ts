import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { careTeamMembers } from '../../db/schema/index.js';
import { systemClock } from '../../platform/clock.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { queryRows } from '../../testing/sql-rows.js';
import { buildTestApp, sameOrigin, type TestApp } from '../../testing/test-app.js';
import { fileAnchorStore } from './anchor-store.js';
import { startAnchoring } from './anchoring.js';
import { createAuditWriter } from './audit-writer.js';
import { verifyChain } from './verify-chain.js';

const silent = { error: () => undefined };

describe('audit trail', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({ env: { RATE_LIMIT_MAX: '100000' } });
    await t.app.ready();
  });
  afterAll(() => t.close());
  const db = () => t.testDatabase.database.db;

  async function clinicWithCare() {
    const clinic = await makeClinic(db());
    const patient = await makePerson(db(), clinic.id, 'patient');
    const provider = await makePerson(db(), clinic.id, 'provider');
    const staff = await makePerson(db(), clinic.id, 'staff');
    const admin = await makePerson(db(), clinic.id, 'admin');
    await db().insert(careTeamMembers).values({
      organizationId: clinic.id,
      patientUserId: patient.id,
      providerUserId: provider.id,
      assignedBy: admin.id,
    });
    const as = async (userId: string) => (await signedInCookie(t, userId)).cookie;
    const call = (cookie: string, method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
      t.app.inject({
        method,
        url,
        headers: { ...sameOrigin, cookie, 'user-agent': 'audit-test/1.0' },
        ...(payload ? { payload: payload as Record<string, unknown> } : {}),
      });
    const record = `/api/clinics/${clinic.id}/patients/${patient.id}`;
    return { clinic, patient, provider, staff, admin, as, call, record };
  }

  const eventsFor = (requestId: string) =>
    queryRows<Record<string, unknown>>(
      db(),
      sql`select * from audit_events where request_id = ${requestId} order by seq`,
    );

  it('records who read which patient, from where, and on what basis, before answering', async () => {
    const { clinic, patient, provider, as, call, record } = await clinicWithCare();
    const res = await call(await as(provider.id), 'GET', record);
    expect(res.statusCode).toBe(200);
    // Committed before the response: no flush needed.
    const [event] = await eventsFor(res.headers['x-request-id'] as string);
    expect(event).toMatchObject({
      actor_user_id: provider.id,
      actor_role: 'provider',
      organization_id: clinic.id,
      action: 'read',
      resource_type: 'patient-summary',
      resource_id: patient.id,
      patient_id: patient.id,
      outcome: 'allowed',
      basis: 'care-relationship',
      client_ip: '127.0.0.1',
      user_agent: 'audit-test/1.0',
    });
    // Identifiers only: nothing from the record itself.
    expect(JSON.stringify(event)).not.toContain(patient.email);
    expect(JSON.stringify(event)).not.toContain(patient.displayName);
  });

  it('records one event per patient a list returned', async () => {
    const { clinic, staff, as, call } = await clinicWithCare();
    const second = await makePerson(db(), clinic.id, 'patient');
    const res = await call(await as(staff.id), 'GET', `/api/clinics/${clinic.id}/patients`);
    const events = await eventsFor(res.headers['x-request-id'] as string);
    expect(events.map((e) => e.action)).toEqual(['search', 'search']);
    expect(events.map((e) => e.patient_id)).toContain(second.id);
  });

  it('chains every entry to the one before; the chain verifies', async () => {
    const rows = await queryRows<{ seq: string; prev_hash: string; hash: string }>(
      db(),
      sql`select seq, prev_hash, hash from audit_events order by seq`,
    );
    expect(rows.length).toBeGreaterThan(2);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    const anchors = fileAnchorStore(mkdtempSync(path.join(tmpdir(), 'ov-anchor-')));
    expect(await verifyChain(db(), anchors)).toMatchObject({ ok: true });
  });

  it('refuses UPDATE, DELETE and TRUNCATE on the trail, even for the owner', async () => {
    const refused = async (statement: ReturnType<typeof sql>) => {
      const err = await db()
        .execute(statement)
        .then(() => undefined)
        .catch((e: unknown) => e);
      expect(String((err as { cause?: unknown })?.cause ?? err)).toMatch(/append-only/);
    };
    await refused(sql`update audit_events set outcome = 'denied'`);
    await refused(sql`delete from audit_events`);
    await refused(sql`truncate audit_events`);
  });

  it('batches concurrent events into few transactions (group commit), in one chain', async () => {
    const batches: number[] = [];
    const writer = createAuditWriter(db(), systemClock, { onFlush: (n) => batches.push(n) });
    const event = (i: number) => ({
      occurredAt: new Date(),
      action: 'read' as const,
      resourceType: 'group-commit-test',
      resourceId: String(i),
      outcome: 'allowed' as const,
    });
    // One after another: each waits for the previous commit (no lost wake-up).
    for (let i = 0; i < 5; i++) await writer.record([event(i)]);
    batches.length = 0;
    await Promise.all(Array.from({ length: 200 }, (_, i) => writer.record([event(i)])));
    expect(batches.reduce((a, b) => a + b, 0)).toBe(200);
    expect(batches.length).toBeLessThan(20);
    const anchors = fileAnchorStore(mkdtempSync(path.join(tmpdir(), 'ov-anchor-')));
    expect(await verifyChain(db(), anchors)).toMatchObject({ ok: true });
  });

  it('shows the patient who accessed their record, with names and roles', async () => {
    const { patient, provider, staff, as, call, record } = await clinicWithCare();
    await call(await as(provider.id), 'GET', record);
    await call(await as(staff.id), 'GET', record);
    const res = await call(await as(patient.id), 'GET', `${record}/access-history`);
    expect(res.statusCode).toBe(200);
    const { entries } = res.json<{
      entries: { actorName: string; actorRole: string; recordKind: string }[];
    }>();
    expect(entries.slice(0, 2)).toEqual([
      expect.objectContaining({ actorName: staff.displayName, actorRole: 'staff' }),
      expect.objectContaining({ actorName: provider.displayName, actorRole: 'provider' }),
    ]);
  });

  it('lets admins search, sort and export the trail as CSV and FHIR; the export is audited', async () => {
    const { clinic, patient, provider, admin, as, call, record } = await clinicWithCare();
    await call(await as(provider.id), 'GET', record);
    const boss = await as(admin.id);
    const base = `/api/clinics/${clinic.id}/audit-events`;
    const found = await call(boss, 'GET', `${base}?userId=${provider.id}&action=read&order=asc`);
    expect(found.json()).toMatchObject({
      total: 1,
      events: [{ actorName: provider.displayName, patientName: patient.displayName }],
    });

    const csv = await call(boss, 'GET', `${base}/export?format=csv&patientId=${patient.id}`);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(/attachment; filename="audit-.*\.csv"/);
    const [header, ...lines] = csv.body.trim().split('\r\n');
    expect(header).toContain('actor_name');
    expect(lines.some((l) => l.includes(provider.id) && l.includes(',read,'))).toBe(true);

    const fhir = await call(boss, 'GET', `${base}/export?format=fhir&patientId=${patient.id}`);
    expect(fhir.headers['content-type']).toMatch(/^application\/fhir\+ndjson/);
    const resources = fhir.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(resources[0]).toMatchObject({
      resourceType: 'AuditEvent',
      action: expect.stringMatching(/^[CRUDE]$/),
      recorded: expect.any(String),
      agent: [expect.objectContaining({ requestor: true })],
      source: { observer: { display: 'OpenVisit' } },
    });
    const exportEvents = await eventsFor(fhir.headers['x-request-id'] as string);
    expect(exportEvents).toEqual([
      expect.objectContaining({
        action: 'export',
        patient_id: patient.id,
        actor_user_id: admin.id,
      }),
    ]);
  });

  it('keeps a disclosures register that staff fill and the patient reads', async () => {
    const { patient, staff, as, call, record } = await clinicWithCare();
    const entry = {
      disclosedAt: '2026-11-02T15:00:00.000Z',
      recipient: 'State immunization registry',
      description: 'Vaccination dates',
      purpose: 'Public health reporting required by law',
    };
    const created = await call(await as(staff.id), 'POST', `${record}/disclosures`, entry);
    expect(created.statusCode).toBe(201);
    const seen = await call(await as(patient.id), 'GET', `${record}/disclosures`);
    expect(seen.json()).toMatchObject({
      disclosures: [{ ...entry, recordedByName: staff.displayName }],
    });
    const [event] = await eventsFor(created.headers['x-request-id'] as string);
    expect(event).toMatchObject({ action: 'disclosure', patient_id: patient.id });
  });

  it('records sign-in activity without the email typed', async () => {
    const clinic = await makeClinic(db());
    const person = await makePerson(db(), clinic.id, 'patient');
    const login = (password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: sameOrigin,
        payload: { email: person.email, password },
      });
    const failed = await login('not the right password at all');
    expect(failed.statusCode).toBe(401);
    const ok = await login(person.password);
    expect(ok.statusCode).toBe(200);
    await t.auditWriter.flush();
    await expect
      .poll(async () => (await eventsFor(failed.headers['x-request-id'] as string)).length)
      .toBe(1);
    const [bad] = await eventsFor(failed.headers['x-request-id'] as string);
    expect(bad).toMatchObject({
      action: 'login_failed',
      actor_user_id: person.id,
      outcome: 'denied',
    });
    const [good] = await eventsFor(ok.headers['x-request-id'] as string);
    expect(good).toMatchObject({ action: 'login', actor_user_id: person.id, outcome: 'allowed' });
    expect(JSON.stringify([bad, good])).not.toContain(person.email);
  });
});

describe('audit trail failures and tampering', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
    await t.app.ready();
  });
  afterAll(() => t.close());
  const db = () => t.testDatabase.database.db;

  it('fails a request with 503 and changes nothing when its event cannot be written', async () => {
    const clinic = await makeClinic(db());
    const patient = await makePerson(db(), clinic.id, 'patient');
    const provider = await makePerson(db(), clinic.id, 'provider');
    const staff = await makePerson(db(), clinic.id, 'staff');
    const cookie = (await signedInCookie(t, staff.id)).cookie;
    const record = `/api/clinics/${clinic.id}/patients/${patient.id}`;
    // The store breaks: its chain head cannot be locked.
    await db().execute(sql`alter table audit_chain_head rename to audit_chain_head_away`);
    try {
      const change = await t.app.inject({
        method: 'PUT',
        url: `${record}/care-team/${provider.id}`,
        headers: { ...sameOrigin, cookie },
      });
      expect(change.statusCode).toBe(503);
      expect(change.json()).toMatchObject({ type: '/problems/service-unavailable' });
      const team = await queryRows(
        db(),
        sql`select 1 from care_team_members where patient_user_id = ${patient.id}`,
      );
      expect(team).toEqual([]);

      const read = await t.app.inject({ method: 'GET', url: record, headers: { cookie } });
      expect(read.statusCode).toBe(503);
      expect(read.body).not.toContain(patient.email);
    } finally {
      await db().execute(sql`alter table audit_chain_head_away rename to audit_chain_head`);
    }
    const again = await t.app.inject({
      method: 'PUT',
      url: `${record}/care-team/${provider.id}`,
      headers: { ...sameOrigin, cookie },
    });
    expect(again.statusCode).toBe(204);
  });

  it('names the entry an owner altered, and detects deleted newest entries by the anchor', async () => {
    const clinic = await makeClinic(db());
    const patient = await makePerson(db(), clinic.id, 'patient');
    const cookie = (await signedInCookie(t, patient.id)).cookie;
    for (let i = 0; i < 6; i++) {
      await t.app.inject({
        method: 'GET',
        url: `/api/clinics/${clinic.id}/patients/${patient.id}`,
        headers: { cookie },
      });
    }
    const anchors = fileAnchorStore(mkdtempSync(path.join(tmpdir(), 'ov-anchor-')));
    const anchoring = startAnchoring(t.auditWriter, anchors, 3_600_000, silent);
    const anchored = await anchoring.anchorNow();
    await anchoring.stop();
    expect(await verifyChain(db(), anchors)).toMatchObject({ ok: true });
    const head = anchored!.seq;

    // Someone with the owner's powers switches the guard off and edits one entry.
    await tamper(sql`update audit_events set actor_user_id = null where seq = ${head - 2}`);
    expect(await verifyChain(db(), anchors)).toMatchObject({
      ok: false,
      firstBad: { seq: head - 2, reason: expect.stringContaining('altered') },
    });
    // Restore it, then delete the newest two entries (and move the head back to match).
    await tamper(
      sql`update audit_events set actor_user_id = ${patient.id} where seq = ${head - 2}`,
    );
    expect(await verifyChain(db(), anchors)).toMatchObject({ ok: true });
    await tamper(sql`delete from audit_events where seq > ${head - 2}`);
    await tamper(
      sql`update audit_chain_head set seq = ${head - 2}, hash = (select hash from audit_events where seq = ${head - 2})`,
    );
    expect(await verifyChain(db(), anchors)).toMatchObject({
      ok: false,
      firstBad: { seq: head - 1, reason: expect.stringContaining('missing') },
    });
  });

  async function tamper(statement: ReturnType<typeof sql>) {
    await db().transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(statement);
    });
  }
});
