import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createFieldCipher, parseKeyRing } from '../platform/crypto/field-cipher.js';
import { makeClinic, makePerson } from '../testing/factories.js';
import { signedInCookie } from '../testing/sessions.js';
import { queryRows } from '../testing/sql-rows.js';
import { buildTestApp, sameOrigin, type TestApp } from '../testing/test-app.js';
import { rotateKeys } from '../platform/crypto/sealed-columns.js';
import { sealedColumns } from './sealed-columns.js';

const newKey = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

describe('encryption key rotation', () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    // The later apps share the first one's database; it is dropped with the first.
    for (const app of apps.reverse()) await app.close();
  });

  it('re-seals every value under the new key, after which the old key can be retired', async () => {
    const k1 = newKey('k1');
    const k2 = newKey('k2');
    const before = await buildTestApp({ env: { DATA_ENCRYPTION_KEYS: k1 } });
    apps.push(before);
    await before.app.ready();
    const db = before.testDatabase.database.db;
    const clinic = await makeClinic(db);
    const patient = await makePerson(db, clinic.id, 'patient');
    const { cookie } = await signedInCookie(before, patient.id);
    const chart = `/api/clinics/${clinic.id}/patients/${patient.id}`;
    const headers = { ...sameOrigin, cookie };
    const created = await before.app.inject({
      method: 'POST',
      url: `${chart}/insurance`,
      headers,
      payload: {
        rank: 'primary',
        payer: 'Rotation Mutual',
        memberId: 'ROT-55512',
        subscriberRelationship: 'self',
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const mfa = await before.app.inject({
      method: 'POST',
      url: '/api/auth/mfa/totp/setup',
      headers,
      payload: {},
    });
    expect(mfa.statusCode, mfa.body).toBe(200);

    const ring = parseKeyRing(`${k2},${k1}`);
    const dry = await rotateKeys(db, createFieldCipher(ring), ring, sealedColumns, {
      dryRun: true,
    });
    expect(dry.retirable).toEqual([]);
    const report = await rotateKeys(db, createFieldCipher(ring), ring, sealedColumns);
    expect(report.resealed).toBeGreaterThanOrEqual(2);
    expect(report.retirable).toEqual(['k1']);
    for (const { keys } of report.usage)
      expect(Object.keys(keys).filter((k) => k !== 'k2')).toEqual([]);
    // A value under a key the ring no longer holds is reported, not a crash.
    const stray = createFieldCipher(parseKeyRing(newKey('lost'))).seal('x');
    await db.execute(
      sql`update mfa_totp set secret_sealed = ${stray} where user_id = ${patient.id}`,
    );
    const withStray = await rotateKeys(db, createFieldCipher(ring), ring, sealedColumns);
    expect(withStray.usage.find((u) => u.column === 'mfa_totp.secret_sealed')?.keys).toEqual({
      lost: 1,
    });
    await db.execute(
      sql`update mfa_totp set secret_sealed = ${createFieldCipher(ring).seal('x')}
          where user_id = ${patient.id}`,
    );
    // Idempotent: a second run finds nothing to do.
    expect((await rotateKeys(db, createFieldCipher(ring), ring, sealedColumns)).resealed).toBe(0);

    const sealed = await queryRows<{ v: string }>(
      db,
      sql`select member_id_sealed as v from insurance_policy_versions
          union all select secret_sealed from mfa_totp`,
    );
    for (const { v } of sealed) expect(v).toMatch(/^v1\.k2\./);

    // An app holding only the new key reads the member id in plain text.
    const after = await buildTestApp({
      env: { DATA_ENCRYPTION_KEYS: k2 },
      testDatabase: before.testDatabase,
    });
    apps.push(after);
    await after.app.ready();
    const list = await after.app.inject({ url: `${chart}/insurance`, headers });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json<{ policies: { memberId: string }[] }>().policies[0]!.memberId).toBe(
      'ROT-55512',
    );
  });
});
