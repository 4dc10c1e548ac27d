import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { queryRows } from '../../testing/sql-rows.js';
import { buildTestApp, sameOrigin, type TestApp } from '../../testing/test-app.js';
import { identityKit } from '../identity/identity-test-kit.js';
import { elfBytes, makePng, multipartBody } from '../documents/documents-test-kit.js';
import { makeIntakeForm } from '../intake/intake-test-kit.js';
import { makeConsentDocument } from '../consents/consent-test-kit.js';
import { makeAppointment, makeVisitType } from '../scheduling/appointment-test-kit.js';

/**
 * The PHI canary: a patient whose every value is a unique marker goes through the main
 * flows (registration, sign-in and failed sign-in, record reads and changes, a disclosure
 * with free text, error paths), then the application log, every audit row, every metric
 * label and every error body are searched for the markers. Zero hits allowed.
 *
 * The values cover the record as it stands: name, email, birth date, phone, address,
 * insurance member id, health history, correction and intake text, file names and free
 * text. Messaging and scheduling add message text and visit reasons as they arrive.
 */
const canary = {
  name: 'Canaryname Qwyxzv',
  email: 'canary.qwyxzv@example.test',
  disclosureText: 'CANARY-DISCLOSED-HIV-STATUS-77121',
  recipient: 'CANARY-RECIPIENT-Dr-Vexholm',
  search: 'canary.search.qwyxzv@example.test',
  fileName: 'CANARY-FILENAME-hiv-test-Qwyxzv',
  intakeAnswer: 'CANARY-INTAKE-ANSWER-chest-pain-88213',
  birthDate: '1931-07-29',
  phone: '+1 555 010 7319',
  address: 'CANARY-ADDRESS 41 Qwyxzv Lane',
  memberId: 'CANARYMBR99172',
  allergy: 'CANARY-ALLERGY-Qwyxzvicillin',
  correction: 'CANARY-CORRECTION my diagnosis of Qwyxzv disease is wrong',
  messageSubject: 'CANARY-SUBJECT-herpes-flare-Qwyxzv',
  messageBody: 'CANARY-MESSAGE-BODY my Qwyxzv lesions are spreading 55817',
  visitChat: 'CANARY-VISIT-CHAT my Qwyxzv rash photo link 31337',
  noteAssessment: 'CANARY-ASSESSMENT Qwyxzv syndrome suspected 44219',
  visitSummary: 'CANARY-SUMMARY take Qwyxzvamycin twice a day 66120',
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
    // Intake answers: free text stored, read by the provider, and refused when invalid.
    const intakeForm = await makeIntakeForm(db, clinic.id, staff.id);
    const answers = { reason: canary.intakeAnswer, fever: false };
    const intake = `${record}/intake-responses`;
    const stored = await as(patientCookie, 'POST', intake, { formId: intakeForm.id, answers });
    expect(stored.statusCode).toBe(201);
    const refused = await as(patientCookie, 'POST', intake, {
      formId: intakeForm.id,
      answers: { reason: canary.intakeAnswer.repeat(20), fever: canary.intakeAnswer },
    });
    expect(refused.statusCode).toBe(422);
    expect((await as(providerCookie, 'GET', intake)).body).toContain(canary.intakeAnswer);
    await as(staffCookie, 'GET', intake); // refused: clinical content
    // Documents: the file name is PHI (uploaded, listed, downloaded, and refused as a fake).
    const upload = async (name: string, bytes: Buffer) => {
      const body = multipartBody({ category: 'lab-result' }, { name, bytes });
      return keep(
        await t.app.inject({
          method: 'POST',
          url: `${record}/documents`,
          headers: { ...sameOrigin, cookie: patientCookie, ...body.headers },
          payload: body.payload,
        }),
      );
    };
    const document = await upload(`${canary.fileName}.png`, makePng());
    expect(document.statusCode).toBe(201);
    expect((await upload(`${canary.fileName}.pdf`, elfBytes())).statusCode).toBe(415);
    expect((await as(providerCookie, 'GET', `${record}/documents`)).body).toContain(
      canary.fileName,
    );
    const content = `${record}/documents/${(JSON.parse(document.body) as { id: string }).id}/content`;
    expect((await as(providerCookie, 'GET', content)).statusCode).toBe(200);
    await as(staffCookie, 'GET', content); // refused: clinical content
    // Secure messages: the subject and text are stored and read, never logged or audited;
    // a reused message id with other text, and invalid input echoing them, are refused.
    const started = await as(patientCookie, 'POST', `${record}/threads`, {
      subject: canary.messageSubject,
      body: canary.messageBody,
    });
    expect(started.statusCode).toBe(201);
    const threadId = (JSON.parse(started.body) as { thread: { id: string } }).thread.id;
    const thread = `/api/clinics/${clinic.id}/threads/${threadId}`;
    const messageId = '3f0c4a52-1d7e-4c1b-9a57-6f1de2c0a1b9';
    const reply = { id: messageId, body: `Re: ${canary.messageBody}` };
    expect((await as(staffCookie, 'POST', `${thread}/messages`, reply)).statusCode).toBe(201);
    await as(staffCookie, 'POST', `${thread}/messages`, { ...reply, body: canary.messageSubject });
    await as(patientCookie, 'POST', `${thread}/messages`, {
      id: 'not-a-uuid',
      body: canary.messageBody.repeat(100),
      attachmentIds: [canary.messageSubject],
    });
    expect((await as(providerCookie, 'GET', thread)).body).toContain(canary.messageBody);
    await as(staffCookie, 'GET', `/api/clinics/${clinic.id}/inbox`);
    await as(patientCookie, 'GET', `${record}/threads`);
    await as(patientCookie, 'POST', `${thread}/read`, { upToSequence: 1e9 });
    // A video visit: the chat and the note's text are stored and read, never logged or
    // audited; a blank chat message and an amendment without a reason are refused.
    const videoVisit = await makeAppointment(db, {
      clinicId: clinic.id,
      patientId,
      providerId: provider.id,
      visitTypeId: (await makeVisitType(db, clinic.id)).id,
      startsAt: new Date(Date.now() + 5 * 60_000),
    });
    const visit = `/api/clinics/${clinic.id}/visits/${videoVisit.id}`;
    await as(patientCookie, 'POST', `${visit}/check-in`);
    await as(providerCookie, 'POST', `${visit}/admit`);
    const chatted = await as(patientCookie, 'POST', `${visit}/chat`, {
      id: '7d7f1c3e-5a0b-4b8e-9d2a-2f6c1e0a9b11',
      body: canary.visitChat,
    });
    expect(chatted.statusCode).toBe(201);
    await as(providerCookie, 'POST', `${visit}/chat`, { id: 'nope', body: canary.visitChat });
    expect((await as(providerCookie, 'GET', `${visit}/chat`)).body).toContain(canary.visitChat);
    const soap = {
      subjective: canary.visitChat,
      objective: '',
      assessment: canary.noteAssessment,
      plan: canary.noteAssessment,
      patientSummary: canary.visitSummary,
      followUp: canary.visitSummary,
      amendmentReason: null,
    };
    await as(providerCookie, 'PUT', `${visit}/note/draft`, { ...soap, expectedRevision: 0 });
    await as(providerCookie, 'PUT', `${visit}/note/draft`, { ...soap, expectedRevision: 7 });
    expect(
      (await as(providerCookie, 'POST', `${visit}/note/sign`, { expectedRevision: 1 })).statusCode,
    ).toBe(200);
    await as(providerCookie, 'PUT', `${visit}/note/draft`, { ...soap, expectedRevision: 0 });
    await as(providerCookie, 'POST', `${visit}/note/sign`, { expectedRevision: 1 });
    expect((await as(patientCookie, 'GET', `${visit}/summary`)).body).toContain(
      canary.visitSummary,
    );
    await as(staffCookie, 'GET', `${visit}/note`); // refused: clinical content
    await as(providerCookie, 'POST', `${visit}/end`);
    // A consent signature: the typed name is stored, never logged or audited; a stale one is refused.
    const consent = await makeConsentDocument(db, clinic.id, staff.id);
    const signature = { consentDocumentId: consent.id, typedName: canary.name };
    const consents = `${record}/consents`;
    await as(patientCookie, 'POST', consents, { ...signature, contentHash: 'f'.repeat(64) });
    const signed = await as(patientCookie, 'POST', consents, {
      ...signature,
      contentHash: consent.contentHash,
    });
    expect(signed.statusCode).toBe(201);
    await as(staffCookie, 'GET', consents);
    // The chart: demographics, health history, insurance (sealed member id), a correction,
    // with their histories, a stale edit and invalid input echoing the values.
    const profile = {
      legalName: canary.name,
      birthDate: canary.birthDate,
      phone: canary.phone,
      addressLine1: canary.address,
      state: 'TX',
    };
    await as(patientCookie, 'PUT', `${record}/profile`, { ...profile, expectedVersion: 0 });
    await as(staffCookie, 'PUT', `${record}/profile`, { ...profile, expectedVersion: 0 });
    await as(staffCookie, 'PUT', `${record}/profile`, {
      ...profile,
      birthDate: `${canary.birthDate}T00:00`,
      phone: `${canary.phone} ${canary.address}`,
      expectedVersion: 1,
    });
    await as(staffCookie, 'GET', `${record}/profile/history`);
    const allergy = await as(patientCookie, 'POST', `${record}/health-items`, {
      kind: 'allergy',
      display: canary.allergy,
      detail: canary.allergy,
    });
    expect(allergy.statusCode).toBe(201);
    await as(providerCookie, 'GET', `${record}/health-items`);
    await as(staffCookie, 'GET', `${record}/health-items`); // refused: clinical content
    const insurance = { rank: 'primary', payer: 'Canary Mutual', subscriberRelationship: 'self' };
    const policy = await as(patientCookie, 'POST', `${record}/insurance`, {
      ...insurance,
      memberId: canary.memberId,
    });
    expect(policy.statusCode).toBe(201);
    await as(patientCookie, 'POST', `${record}/insurance`, {
      ...insurance,
      memberId: `${canary.memberId}!`,
    });
    await as(staffCookie, 'GET', `${record}/insurance`);
    const asked = await as(patientCookie, 'POST', `${record}/corrections`, {
      section: 'health-history',
      requestedChange: canary.correction,
    });
    expect(asked.statusCode).toBe(201);
    await as(staffCookie, 'GET', `/api/clinics/${clinic.id}/corrections`);
    const sealed = await queryRows<{ value: string }>(
      db,
      sql`select to_jsonb(i)::text as value from insurance_policy_versions i`,
    );
    expect(sealed.map((r) => r.value).join('')).not.toContain(canary.memberId);
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
