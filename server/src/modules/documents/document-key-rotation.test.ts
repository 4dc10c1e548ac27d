import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../platform/clock.js';
import { createFieldCipher, type KeyRingEntry } from '../../platform/crypto/field-cipher.js';
import { createLocalEncryptedStorage } from '../../platform/storage/local-encrypted-storage.js';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { createPeopleDirectory } from '../identity/people-directory.js';
import { rotateKeys } from '../../platform/crypto/sealed-columns.js';
import { createDocumentService } from './document-service.js';
import { documentSealedColumns } from './sealed-columns.js';
import { makePng } from './documents-test-kit.js';

describe('document data keys across a key rotation', () => {
  let database: TestDatabase;
  let dir = '';
  beforeAll(async () => {
    database = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'ov-doc-rotation-'));
  });
  afterAll(async () => {
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const serviceWith = (ring: KeyRingEntry[]) => {
    const cipher = createFieldCipher(ring);
    return createDocumentService({
      db: database.database.db,
      clock: systemClock,
      directory: createPeopleDirectory(database.database.db),
      cipher,
      storage: createLocalEncryptedStorage(dir, cipher),
      maxBytes: 1024 * 1024,
    });
  };
  const readAll = async (stream: Readable) => {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  it('re-seals every data key under the newest key, after which the old key can go', async () => {
    const db = database.database.db;
    const clinic = await makeClinic(db);
    const patient = await makePerson(db, clinic.id, 'patient');
    const oldKey = { id: 'old', key: randomBytes(32) };
    const newKey = { id: 'new', key: randomBytes(32) };
    const png = makePng();
    const stored = await serviceWith([oldKey]).upload({
      documentId: randomUUID(),
      clinicId: clinic.id,
      patientId: patient.id,
      actor: { userId: patient.id, basis: 'self' },
      category: 'imaging',
      file: { stream: Readable.from([png]), fileName: 'x.png' },
    });

    const ring = [newKey, oldKey];
    const rotate = () => rotateKeys(db, createFieldCipher(ring), ring, documentSealedColumns);
    const first = await rotate();
    expect(first.resealed).toBe(1);
    expect(first.retirable).toEqual(['old']);
    expect((await rotate()).resealed).toBe(0);

    const afterwards = serviceWith([newKey]);
    const row = await afterwards.find(clinic.id, patient.id, stored.id, 'self');
    expect(row.wrappedKey).toMatch(/^v1\.new\./);
    const delivery = await afterwards.deliver(row);
    if (!('stream' in delivery)) throw new Error('local storage streams');
    expect((await readAll(delivery.stream)).equals(png)).toBe(true);
  });
});
