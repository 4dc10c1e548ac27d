import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DocumentList, PatientDocument } from '@openvisit/contracts';
import { documents as documentsTable } from '../../db/schema/index.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { startS3TestServer, type S3TestServer } from '../../testing/s3-test-server.js';
import { signedInCookie } from '../../testing/sessions.js';
import { queryRows } from '../../testing/sql-rows.js';
import { buildTestApp, sameOrigin, type TestApp } from '../../testing/test-app.js';
import {
  documentsOf,
  elfBytes,
  heicHeader,
  makePdf,
  makePng,
  multipartBody,
  peBytes,
  type MultipartFile,
} from './documents-test-kit.js';

const MAX_BYTES = 256 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

// The same story on both stores: encrypted local disk (the default) and S3 (s3rver).
describe.each(['local', 's3'] as const)('documents on %s storage', (backend) => {
  let t: TestApp;
  let s3: S3TestServer | undefined;
  let storageDir = '';

  beforeAll(async () => {
    storageDir = await mkdtemp(path.join(tmpdir(), 'ov-documents-test-'));
    if (backend === 's3') s3 = await startS3TestServer();
    t = await buildTestApp({
      env: {
        DOCUMENT_MAX_BYTES: String(MAX_BYTES),
        ...(s3 ? s3.env : { STORAGE_DIR: storageDir }),
      },
    });
    await t.app.ready();
  });
  afterAll(async () => {
    await t.close();
    await s3?.stop();
    await rm(storageDir, { recursive: true, force: true });
  });

  /** Every object the store holds: files on disk, or keys in the bucket. */
  const storedObjects = async () => (s3 ? s3.keys() : filesUnder(storageDir));

  async function clinicWithPeople() {
    const db = t.testDatabase.database.db;
    const clinic = await makeClinic(db);
    const patient = await makePerson(db, clinic.id, 'patient');
    const otherPatient = await makePerson(db, clinic.id, 'patient');
    const provider = await makePerson(db, clinic.id, 'provider');
    const staff = await makePerson(db, clinic.id, 'staff');
    const admin = await makePerson(db, clinic.id, 'admin');
    const as = async (userId: string) => (await signedInCookie(t, userId)).cookie;
    const base = `/api/clinics/${clinic.id}/patients/${patient.id}`;
    const cookies = {
      patient: await as(patient.id),
      otherPatient: await as(otherPatient.id),
      provider: await as(provider.id),
      staff: await as(staff.id),
      admin: await as(admin.id),
    };
    const put = await t.app.inject({
      method: 'PUT',
      url: `${base}/care-team/${provider.id}`,
      headers: { ...sameOrigin, cookie: cookies.staff },
    });
    expect(put.statusCode).toBe(204);
    return { clinic, patient, otherPatient, provider, staff, admin, cookies, base };
  }

  const upload = (
    cookie: string,
    url: string,
    fields: Record<string, string>,
    file?: MultipartFile,
  ) => {
    const body = multipartBody(fields, file);
    return t.app.inject({
      method: 'POST',
      url,
      headers: { ...sameOrigin, cookie, ...body.headers },
      payload: body.payload,
    });
  };
  const get = (cookie: string, url: string) =>
    t.app.inject({ method: 'GET', url, headers: { cookie } });
  /** The bytes a browser ends up with: streamed by the app, or fetched from S3's link. */
  async function download(cookie: string, url: string) {
    const res = await get(cookie, url);
    if (backend === 'local') {
      expect(res.statusCode, res.body).toBe(200);
      return { res, bytes: res.rawPayload };
    }
    expect(res.statusCode, res.body).toBe(303);
    const fetched = await fetch(res.headers.location!);
    expect(fetched.status).toBe(200);
    return { res, fetched, bytes: Buffer.from(await fetched.arrayBuffer()) };
  }
  const auditRows = async (requestId: string) => {
    await t.auditWriter.flush();
    return queryRows<{
      action: string;
      resource_type: string;
      resource_id: string;
      outcome: string;
      patient_id: string;
    }>(
      t.testDatabase.database.db,
      sql`select action, resource_type, resource_id, outcome, patient_id from audit_events where request_id = ${requestId}`,
    );
  };
  const rowCount = async () =>
    (await t.testDatabase.database.db.select({ id: documentsTable.id }).from(documentsTable))
      .length;

  it('uploads, lists and downloads a document with the same bytes and hash, audited', async () => {
    const { patient, provider, cookies, base } = await clinicWithPeople();
    const png = makePng(64);
    const created = await upload(
      cookies.patient,
      `${base}/documents`,
      { category: 'lab-result' },
      { name: 'blood test.png', bytes: png, contentType: 'image/png' },
    );
    expect(created.statusCode, created.body).toBe(201);
    const document = created.json<PatientDocument>();
    expect(document).toMatchObject({
      category: 'lab-result',
      fileName: 'blood test.png',
      mediaType: 'image/png',
      sizeBytes: png.length,
      sha256: sha256(png),
      uploadedBy: { id: patient.id },
      retracted: null,
    });
    expect(await auditRows(created.headers['x-request-id'] as string)).toEqual([
      expect.objectContaining({
        action: 'create',
        resource_type: 'document',
        // The event, committed before the upload, names the document it created.
        resource_id: document.id,
        outcome: 'allowed',
        patient_id: patient.id,
      }),
    ]);
    const [stored] = await queryRows<{ id: string }>(
      t.testDatabase.database.db,
      sql`select id from documents where id = ${document.id}`,
    );
    expect(stored).toEqual({ id: document.id });

    // The provider adds a PDF; the list is newest first.
    const pdf = makePdf();
    const second = await upload(
      cookies.provider,
      `${base}/documents`,
      { category: 'referral' },
      { name: 'referral.pdf', bytes: pdf },
    );
    expect(second.statusCode, second.body).toBe(201);
    const list = await get(cookies.patient, `${base}/documents`);
    expect(list.statusCode).toBe(200);
    expect(list.json<DocumentList>()).toMatchObject({
      documents: [
        {
          id: second.json<PatientDocument>().id,
          uploadedBy: { id: provider.id },
          mediaType: 'application/pdf',
        },
        { id: document.id },
      ],
      maxBytes: MAX_BYTES,
    });
    expect(await auditRows(list.headers['x-request-id'] as string)).toEqual([
      expect.objectContaining({ action: 'read', resource_type: 'document', outcome: 'allowed' }),
    ]);

    const contentUrl = `${base}/documents/${document.id}/content`;
    const { res, fetched, bytes } = await download(cookies.provider, contentUrl);
    expect(sha256(bytes)).toBe(document.sha256);
    expect(bytes.equals(png)).toBe(true);
    const headers = fetched ? Object.fromEntries(fetched.headers) : res.headers;
    expect(headers['content-type']).toBe('image/png');
    expect(headers['content-disposition']).toBe(
      `attachment; filename="blood test.png"; filename*=UTF-8''blood%20test.png`,
    );
    expect(res.headers['cache-control']).toBe('no-store');
    if (backend === 'local') expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(await auditRows(res.headers['x-request-id'] as string)).toEqual([
      expect.objectContaining({
        action: 'read',
        resource_type: 'document',
        resource_id: document.id,
        outcome: 'allowed',
      }),
    ]);
  });

  it.runIf(backend === 'local')('keeps only ciphertext on disk', async () => {
    const { cookies, base } = await clinicWithPeople();
    const png = makePng(64);
    const before = new Set(await filesUnder(storageDir));
    const res = await upload(
      cookies.patient,
      `${base}/documents`,
      { category: 'imaging' },
      { name: 'x.png', bytes: png },
    );
    expect(res.statusCode).toBe(201);
    const added = (await filesUnder(storageDir)).filter((f) => !before.has(f));
    expect(added).toHaveLength(1);
    const onDisk = await readFile(added[0]!);
    expect(onDisk.includes(png.subarray(0, 16))).toBe(false);
    expect(onDisk.includes(png.subarray(40, 72))).toBe(false);
    // The sealed data key is in the row; the file alone opens nothing.
    const [row] = await queryRows<{ wrapped_key: string | null; storage_key: string }>(
      t.testDatabase.database.db,
      sql`select wrapped_key, storage_key from documents where id = ${res.json<PatientDocument>().id}`,
    );
    expect(row!.wrapped_key).toMatch(/^v1\./);
    expect(added[0]!.endsWith(row!.storage_key)).toBe(true);
  });

  it('refuses programs and text whatever their names say, storing nothing', async () => {
    const { cookies, base } = await clinicWithPeople();
    const objects = await storedObjects();
    const rows = await rowCount();
    const fakes: MultipartFile[] = [
      { name: 'report.pdf', bytes: elfBytes(), contentType: 'application/pdf' },
      { name: 'scan.jpg', bytes: peBytes(), contentType: 'image/jpeg' },
      { name: 'notes.pdf', bytes: Buffer.from('Just some text, not a PDF at all.\n'.repeat(50)) },
      { name: 'empty.png', bytes: Buffer.alloc(0), contentType: 'image/png' },
    ];
    for (const file of fakes) {
      const res = await upload(
        cookies.patient,
        `${base}/documents`,
        { category: 'lab-result' },
        file,
      );
      expect(res.statusCode, `${file.name}: ${res.body}`).toBe(415);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ type: '/problems/unsupported-document-type' });
    }
    expect(await storedObjects()).toEqual(objects);
    expect(await rowCount()).toBe(rows);
  });

  it('refuses a file over the limit with 413, storing nothing', async () => {
    const { cookies, base } = await clinicWithPeople();
    const objects = await storedObjects();
    const rows = await rowCount();
    // A real PNG start, so only the size is wrong: one byte over the limit.
    const png = makePng(8);
    const oversize = Buffer.concat([png, randomBytes(MAX_BYTES + 1 - png.length)]);
    const res = await upload(
      cookies.patient,
      `${base}/documents`,
      { category: 'imaging' },
      { name: 'big.png', bytes: oversize },
    );
    expect(res.statusCode, res.body).toBe(413);
    expect(res.json()).toMatchObject({
      type: '/problems/payload-too-large',
      detail: 'The file is larger than 256 KB.',
    });
    expect(await storedObjects()).toEqual(objects);
    // Nothing half-sent either: no unfinished multipart upload holds the first bytes.
    if (s3) expect(await s3.incompleteUploads()).toEqual([]);
    // Exactly at the limit is fine.
    const atLimit = await upload(
      cookies.patient,
      `${base}/documents`,
      { category: 'imaging' },
      { name: 'ok.png', bytes: oversize.subarray(0, MAX_BYTES) },
    );
    expect(atLimit.statusCode, atLimit.body).toBe(201);
    expect(await rowCount()).toBe(rows + 1);
    expect((await storedObjects()).length).toBe(objects.length + 1);

    // A body announcing far more is refused before it is read.
    const huge = await upload(
      cookies.patient,
      `${base}/documents`,
      { category: 'imaging' },
      { name: 'huge.png', bytes: Buffer.concat([png, Buffer.alloc(MAX_BYTES + 70_000)]) },
    );
    expect(huge.statusCode).toBe(413);
    expect(huge.headers.connection).toBe('close');
    expect(await rowCount()).toBe(rows + 1);
  });

  it('accepts HEIC photos, detected from their content', async () => {
    const { cookies, base } = await clinicWithPeople();
    for (const brand of ['heic', 'heix', 'mif1']) {
      const res = await upload(
        cookies.patient,
        `${base}/documents`,
        { category: 'identification' },
        { name: `photo-${brand}.HEIC`, bytes: heicHeader(brand) },
      );
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ mediaType: 'image/heic' });
    }
  });

  it("saves a download under its detected type's extension, listing the name as given", async () => {
    const { cookies, base } = await clinicWithPeople();
    const cases = [
      { name: 'lab-result.bat', bytes: makePdf(), saved: 'lab-result.pdf' },
      { name: 'viewer.hta', bytes: makePdf(), saved: 'viewer.pdf' },
      { name: 'page.html', bytes: makePdf(), saved: 'page.pdf' },
      { name: 'scan', bytes: makePng(), saved: 'scan.png' },
      { name: 'IMG_0001.jpg', bytes: heicHeader(), saved: 'IMG_0001.heic' },
      { name: 'Report.PDF', bytes: makePdf(), saved: 'Report.PDF' },
    ];
    for (const { name, bytes, saved } of cases) {
      const created = await upload(
        cookies.patient,
        `${base}/documents`,
        { category: 'other' },
        { name, bytes },
      );
      expect(created.statusCode, created.body).toBe(201);
      const document = created.json<PatientDocument>();
      expect(document.fileName).toBe(name);
      const { res, fetched } = await download(
        cookies.patient,
        `${base}/documents/${document.id}/content`,
      );
      const disposition = fetched
        ? fetched.headers.get('content-disposition')
        : res.headers['content-disposition'];
      expect(disposition, name).toBe(
        `attachment; filename="${saved}"; filename*=UTF-8''${encodeURIComponent(saved)}`,
      );
    }
    const list = await get(cookies.patient, `${base}/documents`);
    expect(
      list
        .json<DocumentList>()
        .documents.map((d) => d.fileName)
        .sort(),
    ).toEqual(cases.map((c) => c.name).sort());
  });

  it('runs three uploads at once per person, answering 429 to a fourth', async () => {
    const { patient, cookies, base } = await clinicWithPeople();
    const body = multipartBody({ category: 'imaging' }, { name: 'slow.png', bytes: makePng(64) });
    const post = (cookie: string, payload: Buffer | PassThrough) =>
      t.app.inject({
        method: 'POST',
        url: `${base}/documents`,
        headers: { ...sameOrigin, cookie, ...body.headers },
        payload,
      });
    // Three uploads that have sent their start and are still sending.
    const held = Array.from({ length: 3 }, () => {
      const payload = new PassThrough();
      payload.write(body.payload.subarray(0, 1000));
      return { payload, answer: post(cookies.patient, payload) };
    });
    // Each has passed the checks when its `create` event is on the trail.
    await vi.waitFor(
      async () => {
        await t.auditWriter.flush();
        const [row] = await queryRows<{ n: number }>(
          t.testDatabase.database.db,
          sql`select count(*)::int as n from audit_events where patient_id = ${patient.id} and action = 'create' and outcome = 'allowed'`,
        );
        expect(row!.n).toBe(3);
      },
      { timeout: 10_000, interval: 50 },
    );
    const fourth = await post(cookies.patient, body.payload);
    expect(fourth.statusCode, fourth.body).toBe(429);
    expect(fourth.json()).toMatchObject({ type: '/problems/rate-limited' });
    // Per person: the provider uploads meanwhile.
    expect((await post(cookies.provider, body.payload)).statusCode).toBe(201);

    for (const { payload } of held) payload.end(body.payload.subarray(1000));
    for (const { answer } of held) expect((await answer).statusCode).toBe(201);
    // Finished uploads give their places back.
    expect((await post(cookies.patient, body.payload)).statusCode).toBe(201);
  });

  it('needs a category, sent before the file, and a file', async () => {
    const { cookies, base } = await clinicWithPeople();
    const rows = await rowCount();
    const png = { name: 'a.png', bytes: makePng() };
    const missing = await upload(cookies.patient, `${base}/documents`, {}, png);
    expect(missing.statusCode).toBe(400);
    expect(missing.json()).toMatchObject({ errors: [{ path: 'body.category' }] });
    const wrong = await upload(cookies.patient, `${base}/documents`, { category: 'selfie' }, png);
    expect(wrong.statusCode).toBe(400);
    const noFile = await upload(cookies.patient, `${base}/documents`, { category: 'other' });
    expect(noFile.statusCode).toBe(400);
    expect(noFile.json()).toMatchObject({ errors: [{ path: 'body.file' }] });
    const json = await t.app.inject({
      method: 'POST',
      url: `${base}/documents`,
      headers: { ...sameOrigin, cookie: cookies.patient },
      payload: { category: 'other' },
    });
    expect(json.statusCode).toBe(415);
    expect(await rowCount()).toBe(rows);
  });

  it('keeps the name without folders or control characters', async () => {
    const { cookies, base } = await clinicWithPeople();
    const res = await upload(
      cookies.patient,
      `${base}/documents`,
      { category: 'other' },
      { name: '..\\..\\C:\\secret\\re\u0007port.pdf', bytes: makePdf() },
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ fileName: 'report.pdf' });
    const long = await upload(
      cookies.patient,
      `${base}/documents`,
      { category: 'other' },
      { name: `${'é'.repeat(300)}.pdf`, bytes: makePdf() },
    );
    expect([...long.json<PatientDocument>().fileName]).toHaveLength(200);
  });

  it("answers 404 for another patient's document, and keeps patients apart", async () => {
    const { clinic, otherPatient, cookies, base } = await clinicWithPeople();
    const theirs = await upload(
      cookies.otherPatient,
      `/api/clinics/${clinic.id}/patients/${otherPatient.id}/documents`,
      { category: 'lab-result' },
      { name: 'theirs.png', bytes: makePng() },
    );
    expect(theirs.statusCode).toBe(201);
    const id = theirs.json<PatientDocument>().id;
    // Under this patient's record, their document does not exist, for anyone.
    for (const cookie of [cookies.patient, cookies.provider]) {
      const res = await get(cookie, `${base}/documents/${id}/content`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ type: '/problems/not-found' });
    }
    const retract = await t.app.inject({
      method: 'POST',
      url: `${base}/documents/${id}/retract`,
      headers: { ...sameOrigin, cookie: cookies.provider },
      payload: { reason: 'Filed in the wrong chart' },
    });
    expect(retract.statusCode).toBe(404);
    // And the other patient cannot reach this patient's documents at all.
    expect((await get(cookies.otherPatient, `${base}/documents`)).statusCode).toBe(404);
    await expect(
      (await documentsOf(t)).assertPatientDocument(
        clinic.id,
        otherPatient.id,
        id,
        'insurance-card',
      ),
    ).rejects.toMatchObject({ code: 'validation' });
    await expect(
      (await documentsOf(t)).assertPatientDocument(clinic.id, otherPatient.id, id),
    ).resolves.toBeUndefined();
  });

  it('shows staff the administrative documents only', async () => {
    const { clinic, patient, cookies, base } = await clinicWithPeople();
    const lab = await upload(
      cookies.patient,
      `${base}/documents`,
      { category: 'lab-result' },
      { name: 'lab.png', bytes: makePng() },
    );
    const card = await upload(
      cookies.staff,
      `${base}/documents`,
      { category: 'insurance-card' },
      { name: 'card.png', bytes: makePng() },
    );
    expect(card.statusCode, card.body).toBe(201);
    const refused = await upload(
      cookies.staff,
      `${base}/documents`,
      { category: 'lab-result' },
      { name: 'lab2.png', bytes: makePng() },
    );
    expect(refused.statusCode).toBe(403);

    for (const cookie of [cookies.staff, cookies.admin]) {
      const list = await get(cookie, `${base}/documents`);
      expect(list.json<DocumentList>().documents.map((d) => d.category)).toEqual([
        'insurance-card',
      ]);
      expect(list.json<DocumentList>().uploadCategories).toEqual([
        'insurance-card',
        'identification',
      ]);
      const clinical = await get(
        cookie,
        `${base}/documents/${lab.json<PatientDocument>().id}/content`,
      );
      expect(clinical.statusCode).toBe(403);
    }
    const { bytes } = await download(
      cookies.staff,
      `${base}/documents/${card.json<PatientDocument>().id}/content`,
    );
    expect(sha256(bytes)).toBe(card.json<PatientDocument>().sha256);
    const everything = await get(cookies.patient, `${base}/documents`);
    expect(everything.json<DocumentList>().documents).toHaveLength(2);
    // The lead's insurance record may point at the card.
    await expect(
      (await documentsOf(t)).assertPatientDocument(
        clinic.id,
        patient.id,
        card.json<PatientDocument>().id,
        'insurance-card',
      ),
    ).resolves.toBeUndefined();
  });

  it('retracts a document without deleting it, by the uploader or a provider', async () => {
    const { clinic, patient, provider, cookies, base } = await clinicWithPeople();
    const mine = await upload(
      cookies.patient,
      `${base}/documents`,
      { category: 'visit' },
      { name: 'v.pdf', bytes: makePdf() },
    );
    const fromDoctor = await upload(
      cookies.provider,
      `${base}/documents`,
      { category: 'imaging' },
      { name: 'x.png', bytes: makePng() },
    );
    const retract = (cookie: string, id: string, reason = 'Uploaded the wrong file') =>
      t.app.inject({
        method: 'POST',
        url: `${base}/documents/${id}/retract`,
        headers: { ...sameOrigin, cookie },
        payload: { reason },
      });
    // The patient may withdraw their own upload, not the provider's.
    expect((await retract(cookies.patient, fromDoctor.json<PatientDocument>().id)).statusCode).toBe(
      403,
    );
    const done = await retract(cookies.patient, mine.json<PatientDocument>().id);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({
      retracted: { by: { id: patient.id }, reason: 'Uploaded the wrong file' },
    });
    expect(await auditRows(done.headers['x-request-id'] as string)).toEqual([
      expect.objectContaining({
        action: 'update',
        resource_type: 'document',
        resource_id: mine.json<PatientDocument>().id,
      }),
    ]);
    // Again, by the provider: the first retraction stands.
    const again = await retract(
      cookies.provider,
      mine.json<PatientDocument>().id,
      'Another reason',
    );
    expect(again.json()).toMatchObject({
      retracted: { by: { id: patient.id }, reason: 'Uploaded the wrong file' },
    });
    expect(
      (await retract(cookies.provider, fromDoctor.json<PatientDocument>().id)).json(),
    ).toMatchObject({
      retracted: { by: { id: provider.id } },
    });
    expect((await retract(cookies.patient, mine.json<PatientDocument>().id, 'no')).statusCode).toBe(
      400,
    );

    const list = await get(cookies.patient, `${base}/documents`);
    expect(list.json<DocumentList>().documents.map((d) => d.retracted !== null)).toEqual([
      true,
      true,
    ]);
    await expect(
      (await documentsOf(t)).assertPatientDocument(
        clinic.id,
        patient.id,
        mine.json<PatientDocument>().id,
      ),
    ).rejects.toMatchObject({ code: 'not-found' });
  });

  it("sets and shows a provider's photo", async () => {
    const { clinic, provider, cookies } = await clinicWithPeople();
    const db = t.testDatabase.database.db;
    const colleague = await makePerson(db, clinic.id, 'provider');
    const photoUrl = `/api/clinics/${clinic.id}/providers/${provider.id}/photo`;
    const heard: string[] = [];
    const service = await documentsOf(t);
    service.onProviderPhotoChange(async (_clinic, providerId, documentId) => {
      heard.push(`${providerId}:${documentId}`);
    });

    expect((await get(cookies.patient, photoUrl)).statusCode).toBe(404);
    const first = await upload(
      cookies.provider,
      photoUrl,
      {},
      { name: 'me.png', bytes: makePng() },
    );
    expect(first.statusCode, first.body).toBe(201);
    const colleagueCookie = (await signedInCookie(t, colleague.id)).cookie;
    expect(
      (await upload(colleagueCookie, photoUrl, {}, { name: 'x.png', bytes: makePng() })).statusCode,
    ).toBe(403);
    expect(
      (await upload(cookies.provider, photoUrl, {}, { name: 'me.pdf', bytes: makePdf() }))
        .statusCode,
    ).toBe(415);
    expect(
      (await upload(cookies.provider, photoUrl, {}, { name: 'me.heic', bytes: heicHeader() }))
        .statusCode,
    ).toBe(415);

    const png = makePng(16);
    const photo = await (async () => {
      const body = multipartBody({}, { name: 'new.png', bytes: png });
      const res = await t.app.inject({
        method: 'POST',
        url: photoUrl,
        headers: { ...sameOrigin, cookie: cookies.admin, ...body.headers },
        payload: body.payload,
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ documentId: string }>();
    })();
    expect(await service.providerPhoto(clinic.id, provider.id)).toMatchObject({
      documentId: photo.documentId,
      mediaType: 'image/png',
    });

    for (const cookie of [cookies.patient, cookies.staff, colleagueCookie]) {
      const shown = await get(cookie, photoUrl);
      expect(shown.statusCode).toBe(200);
      expect(shown.headers['content-type']).toBe('image/png');
      expect(shown.rawPayload.equals(png)).toBe(true);
    }
    // Photos are not in any chart.
    expect(
      (await get(cookies.patient, `/api/clinics/${clinic.id}/patients/${provider.id}/documents`))
        .statusCode,
    ).toBe(404);
    // A patient's id is not a provider's.
    const notProvider = `/api/clinics/${clinic.id}/providers/${(await makePerson(db, clinic.id, 'patient')).id}/photo`;
    expect(
      (await upload(cookies.admin, notProvider, {}, { name: 'x.png', bytes: makePng() }))
        .statusCode,
    ).toBe(404);
    // The listener registered on this separate service instance hears nothing from the app's.
    expect(heard).toEqual([]);
  });

  it('never writes the file name to the logs', async () => {
    const { cookies, base } = await clinicWithPeople();
    const name = `canary-filename-${randomBytes(6).toString('hex')}`;
    await upload(
      cookies.patient,
      `${base}/documents`,
      { category: 'other' },
      { name: `${name}.pdf`, bytes: makePdf() },
    );
    await upload(
      cookies.patient,
      `${base}/documents`,
      { category: 'other' },
      { name: `${name}.exe.pdf`, bytes: elfBytes() },
    );
    const list = await get(cookies.patient, `${base}/documents`);
    expect(list.body).toContain(name);
    expect(t.rawLogs.join('\n')).not.toContain(name);
  });
});
