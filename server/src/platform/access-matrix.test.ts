import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { breakGlassGrants, careTeamMembers, visitNotes } from '../db/schema/index.js';
import { addRole, makeClinic, makePerson } from '../testing/factories.js';
import { signedInCookie } from '../testing/sessions.js';
import { queryRows } from '../testing/sql-rows.js';
import { buildTestApp, sameOrigin, type TestApp } from '../testing/test-app.js';
import {
  makePng,
  multipartBody,
  seedChartDocument,
  seedProviderPhoto,
} from '../modules/documents/documents-test-kit.js';
import { makeConsentDocument } from '../modules/consents/consent-test-kit.js';
import { makeLicense } from '../modules/providers/provider-test-kit.js';
import { makeTimeOff, makeVisitType } from '../modules/scheduling/availability-test-kit.js';
import { makeIntakeForm, testIntakeForm } from '../modules/intake/intake-test-kit.js';
import {
  bookingMatrixFixtures,
  makeAppointment,
} from '../modules/scheduling/appointment-test-kit.js';
import { seedThread } from '../modules/messaging/messaging-test-kit.js';
import { seedEncounter, seedGuest } from '../modules/visits/visit-test-kit.js';
import { createPeopleDirectory } from '../modules/identity/people-directory.js';
import { createPatientChart } from '../modules/patients/patient-chart.js';
import {
  incomingText,
  newMobileNumber,
  testTwilioEnv,
} from '../modules/notifications/notifications-test-kit.js';
import { twilioSignature } from './sms/twilio-signature.js';
import { systemClock } from './clock.js';
import { createFieldCipher } from './crypto/field-cipher.js';

/**
 * The authorization matrix: every route the app registers, called by every kind of person
 * against patient A's resources. A route missing from the table below fails the test, so
 * a new route cannot ship without its expected allow/deny answers written down here.
 */

const personas = [
  'anonymous',
  'patientA',
  'patientB',
  'careProvider',
  'otherProvider',
  'staff',
  'admin',
  'outsider',
] as const;
type Persona = (typeof personas)[number];
const signedIn = personas.filter((p) => p !== 'anonymous');
/** Guest routes: the guest (an anonymous caller with the guest cookie) 200, sessions 401. */
const guestOnlyAnswers = Object.fromEntries(
  personas.map((p) => [p, p === 'anonymous' ? 200 : 401]),
) as Record<Persona, number>;

type World = Awaited<ReturnType<typeof makeWorld>>;
interface Call {
  url: string;
  /** JSON, or raw bytes (a multipart upload) described by `headers`. */
  payload?: Record<string, unknown> | Buffer;
  headers?: Record<string, string>;
}
interface Case {
  /** Who passes the access check; everyone else gets 401 (anonymous) or 403/404. */
  allowed: readonly Persona[];
  /** The status an allowed call answers with, per persona when it differs. */
  ok: number | Partial<Record<Persona, number>>;
  call: (w: World, caller: Persona) => Call | Promise<Call>;
  /** Brings the world to where the route applies (a visit under way), before any call. */
  setup?: (w: World) => Promise<void>;
}

const PASSWORD = 'matrix persona passphrase 2026';
const fresh = () => randomBytes(5).toString('hex');
const problemToken = 'a'.repeat(43);

// A route declaring clinical content, registered only in this test: issue-3 routes hold
// administrative data only, and this proves the clinical rule before clinical routes land.
const CLINICAL_PROBE = '/api/clinics/:clinicId/patients/:patientId/matrix-clinical-probe';

const cases: Record<string, Case> = {
  'GET /metrics': { allowed: personas, ok: 200, call: () => ({ url: '/metrics' }) },
  'GET /health/live': { allowed: personas, ok: 200, call: () => ({ url: '/health/live' }) },
  'GET /health/ready': { allowed: personas, ok: 200, call: () => ({ url: '/health/ready' }) },
  'GET /api/openapi.json': {
    allowed: personas,
    ok: 200,
    call: () => ({ url: '/api/openapi.json' }),
  },
  'GET /api/info': { allowed: personas, ok: 200, call: () => ({ url: '/api/info' }) },
  'GET /api/clinics/:slug': {
    allowed: personas,
    ok: 200,
    call: (w) => ({ url: `/api/clinics/${w.clinic.slug}` }),
  },
  'POST /api/auth/register': {
    allowed: personas,
    ok: 202,
    call: (w) => ({
      url: '/api/auth/register',
      payload: {
        email: `new-${fresh()}@example.test`,
        password: PASSWORD,
        displayName: 'New Patient',
        clinicSlug: w.clinic.slug,
      },
    }),
  },
  'POST /api/auth/verify-email': {
    allowed: personas,
    ok: 400,
    call: () => ({ url: '/api/auth/verify-email', payload: { token: problemToken } }),
  },
  'POST /api/auth/login': {
    allowed: personas,
    ok: 200,
    call: (w) => ({
      url: '/api/auth/login',
      payload: { email: w.people.patientA.email, password: PASSWORD },
    }),
  },
  'POST /api/auth/logout': {
    allowed: signedIn,
    ok: 204,
    call: () => ({ url: '/api/auth/logout' }),
  },
  'GET /api/auth/session': {
    allowed: signedIn,
    ok: 200,
    call: () => ({ url: '/api/auth/session' }),
  },
  'GET /api/auth/sessions': {
    allowed: signedIn,
    ok: 200,
    call: () => ({ url: '/api/auth/sessions' }),
  },
  // Sessions are a person's own: patient A's second session is theirs alone to end.
  'DELETE /api/auth/sessions/:sessionId': {
    allowed: ['patientA'],
    ok: 204,
    call: (w) => ({ url: `/api/auth/sessions/${w.patientASecondSession}` }),
  },
  'POST /api/auth/password-reset': {
    allowed: personas,
    ok: 202,
    call: (w) => ({
      url: '/api/auth/password-reset',
      payload: { email: w.people.patientA.email },
    }),
  },
  'POST /api/auth/password-reset/confirm': {
    allowed: personas,
    ok: 400,
    call: () => ({
      url: '/api/auth/password-reset/confirm',
      payload: { token: problemToken, password: PASSWORD },
    }),
  },
  'POST /api/auth/password': {
    allowed: signedIn,
    ok: 200,
    call: () => ({
      url: '/api/auth/password',
      payload: { currentPassword: PASSWORD, newPassword: `${PASSWORD} changed ${fresh()}` },
    }),
  },
  'POST /api/auth/mfa/totp/setup': {
    allowed: signedIn,
    ok: 200,
    call: () => ({ url: '/api/auth/mfa/totp/setup', payload: {} }),
  },
  'POST /api/auth/mfa/totp/confirm': {
    allowed: signedIn,
    ok: 409,
    call: () => ({ url: '/api/auth/mfa/totp/confirm', payload: { code: '000000' } }),
  },
  'POST /api/auth/mfa/verify': {
    allowed: signedIn,
    ok: 409,
    call: () => ({ url: '/api/auth/mfa/verify', payload: { code: '000000' } }),
  },
  'POST /api/auth/accept-invite': {
    allowed: personas,
    ok: 400,
    call: () => ({
      url: '/api/auth/accept-invite',
      payload: { token: problemToken, password: PASSWORD },
    }),
  },
  // The clinic's zone: the front desk reads it (their day is shown in it); admins change it.
  'GET /api/clinics/:clinicId/settings': {
    allowed: ['staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/settings` }),
  },
  'PUT /api/clinics/:clinicId/settings': {
    allowed: ['admin'],
    ok: 200,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/settings`,
      payload: { timeZone: 'America/Denver' },
    }),
  },
  // Everyone's own settings; nobody reaches another person's (there is no id to name).
  'GET /api/me/notification-preferences': {
    allowed: signedIn,
    ok: 200,
    call: () => ({ url: '/api/me/notification-preferences' }),
  },
  'PUT /api/me/notification-preferences': {
    allowed: signedIn,
    ok: 200,
    call: () => ({
      url: '/api/me/notification-preferences',
      payload: { emailEnabled: true, smsEnabled: true, smsNumber: newMobileNumber() },
    }),
  },
  // Twilio calls it: no session, no CSRF header, authenticated by its signature alone, so
  // a signed call passes whoever's cookie comes with it. Unsigned and forged calls get 403
  // (sms-webhook-routes.test.ts).
  'POST /api/webhooks/twilio/sms': {
    allowed: personas,
    ok: 200,
    call: () => {
      const params = incomingText(newMobileNumber(), 'HELLO');
      const url = '/api/webhooks/twilio/sms';
      return {
        url,
        payload: Buffer.from(new URLSearchParams(params).toString()),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(
            testTwilioEnv.TWILIO_AUTH_TOKEN,
            `${matrixApp.config.publicUrl}${url}`,
            params,
          ),
        },
      };
    },
  },
  'GET /api/clinics/:clinicId/members': {
    allowed: ['admin'],
    ok: 200,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/members` }),
  },
  'GET /api/clinics/:clinicId/colleagues': {
    allowed: ['careProvider', 'otherProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/colleagues` }),
  },
  'POST /api/clinics/:clinicId/invitations': {
    allowed: ['admin'],
    ok: 202,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/invitations`,
      payload: {
        email: `invitee-${fresh()}@example.test`,
        displayName: 'Dr New',
        role: 'provider',
      },
    }),
  },
  'POST /api/clinics/:clinicId/members/:userId/disable': {
    allowed: ['admin'],
    ok: 204,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/members/${w.people.patientA.id}/disable` }),
  },
  'POST /api/clinics/:clinicId/members/:userId/reset-mfa': {
    allowed: ['admin'],
    ok: 204,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/members/${w.people.staff.id}/reset-mfa` }),
  },
  'POST /api/clinics/:clinicId/members/:userId/end-sessions': {
    allowed: ['admin'],
    ok: 204,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/members/${w.people.patientA.id}/end-sessions`,
    }),
  },
  'GET /api/clinics/:clinicId/patients': {
    allowed: ['careProvider', 'otherProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/patients` }),
  },
  'GET /api/clinics/:clinicId/providers': {
    allowed: ['careProvider', 'otherProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/providers` }),
  },
  'GET /api/clinics/:clinicId/patients/:patientId': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/patients/${w.people.patientA.id}` }),
  },
  'PUT /api/clinics/:clinicId/patients/:patientId/care-team/:providerId': {
    allowed: ['staff', 'admin'],
    ok: 204,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/patients/${w.people.patientA.id}/care-team/${w.people.otherProvider.id}`,
    }),
  },
  'DELETE /api/clinics/:clinicId/patients/:patientId/care-team/:providerId': {
    allowed: ['staff', 'admin'],
    ok: 204,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/patients/${w.people.patientA.id}/care-team/${w.people.careProvider.id}`,
    }),
  },
  // Any provider of the clinic may ask; one who already cares for A needs no emergency.
  'POST /api/clinics/:clinicId/patients/:patientId/break-glass': {
    allowed: ['careProvider', 'otherProvider'],
    ok: { careProvider: 409, otherProvider: 201 },
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/patients/${w.people.patientA.id}/break-glass`,
      payload: { reason: 'Covering the on-call shift; patient called in distress.' },
    }),
  },
  'GET /api/clinics/:clinicId/break-glass': {
    allowed: ['admin'],
    ok: 200,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/break-glass` }),
  },
  'POST /api/clinics/:clinicId/break-glass/:grantId/review': {
    allowed: ['admin'],
    ok: 204,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/break-glass/${w.reviewableGrant}/review` }),
  },
  'GET /api/clinics/:clinicId/patients/:patientId/access-history': {
    allowed: ['patientA'],
    ok: 200,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/patients/${w.people.patientA.id}/access-history`,
    }),
  },
  'GET /api/clinics/:clinicId/patients/:patientId/disclosures': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/patients/${w.people.patientA.id}/disclosures`,
    }),
  },
  'POST /api/clinics/:clinicId/patients/:patientId/disclosures': {
    allowed: ['staff', 'admin'],
    ok: 201,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/patients/${w.people.patientA.id}/disclosures`,
      payload: {
        disclosedAt: '2026-11-02T15:00:00.000Z',
        recipient: 'County public health department',
        description: 'Immunization record',
        purpose: 'Required public health reporting',
      },
    }),
  },
  'GET /api/clinics/:clinicId/audit-events': {
    allowed: ['admin'],
    ok: 200,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/audit-events` }),
  },
  'GET /api/clinics/:clinicId/audit-events/export': {
    allowed: ['admin'],
    ok: 200,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/audit-events/export?format=csv` }),
  },
  'GET /api/clinics/:clinicId/patients/:patientId/profile': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `${chartOf(w)}/profile` }),
  },
  'PUT /api/clinics/:clinicId/patients/:patientId/profile': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 200,
    call: async (w) => ({
      url: `${chartOf(w)}/profile`,
      payload: {
        legalName: 'Matrix Patient A',
        state: 'CA',
        expectedVersion: await latestVersion(
          matrixApp,
          'patient_profile_versions',
          'patient_user_id',
          w.people.patientA.id,
        ),
      },
    }),
  },
  'GET /api/clinics/:clinicId/patients/:patientId/profile/history': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `${chartOf(w)}/profile/history` }),
  },
  'GET /api/clinics/:clinicId/patients/:patientId/health-items': {
    allowed: ['patientA', 'careProvider'],
    ok: 200,
    call: (w) => ({ url: `${chartOf(w)}/health-items` }),
  },
  'POST /api/clinics/:clinicId/patients/:patientId/health-items': {
    allowed: ['patientA', 'careProvider'],
    ok: 201,
    call: (w) => ({
      url: `${chartOf(w)}/health-items`,
      payload: { kind: 'medication', display: 'Metformin 500 mg' },
    }),
  },
  'PUT /api/clinics/:clinicId/patients/:patientId/health-items/:itemId': {
    allowed: ['patientA', 'careProvider'],
    ok: 200,
    call: async (w) => ({
      url: `${chartOf(w)}/health-items/${w.chart.itemId}`,
      payload: {
        display: 'Latex',
        status: 'inactive',
        expectedVersion: await latestVersion(
          matrixApp,
          'health_item_versions',
          'item_id',
          w.chart.itemId,
        ),
      },
    }),
  },
  'GET /api/clinics/:clinicId/patients/:patientId/health-items/:itemId/history': {
    allowed: ['patientA', 'careProvider'],
    ok: 200,
    call: (w) => ({ url: `${chartOf(w)}/health-items/${w.chart.itemId}/history` }),
  },
  'GET /api/clinics/:clinicId/patients/:patientId/insurance': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `${chartOf(w)}/insurance` }),
  },
  'POST /api/clinics/:clinicId/patients/:patientId/insurance': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 201,
    call: (w) => ({
      url: `${chartOf(w)}/insurance`,
      payload: { ...insurancePayload, rank: 'secondary' },
    }),
  },
  'PUT /api/clinics/:clinicId/patients/:patientId/insurance/:policyId': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 200,
    call: async (w) => ({
      url: `${chartOf(w)}/insurance/${w.chart.policyId}`,
      payload: {
        ...insurancePayload,
        status: 'active',
        expectedVersion: await latestVersion(
          matrixApp,
          'insurance_policy_versions',
          'policy_id',
          w.chart.policyId,
        ),
      },
    }),
  },
  'GET /api/clinics/:clinicId/patients/:patientId/insurance/:policyId/history': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `${chartOf(w)}/insurance/${w.chart.policyId}/history` }),
  },
  // Only the patient asks for an amendment; staff and admins decide (once).
  'POST /api/clinics/:clinicId/patients/:patientId/corrections': {
    allowed: ['patientA'],
    ok: 201,
    call: (w) => ({
      url: `${chartOf(w)}/corrections`,
      payload: { section: 'insurance', requestedChange: 'The group number is out of date.' },
    }),
  },
  'GET /api/clinics/:clinicId/patients/:patientId/corrections': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `${chartOf(w)}/corrections` }),
  },
  'POST /api/clinics/:clinicId/patients/:patientId/corrections/:requestId/decision': {
    allowed: ['careProvider', 'staff', 'admin'],
    ok: { careProvider: 200, staff: 409, admin: 409 },
    call: (w) => ({
      url: `${chartOf(w)}/corrections/${w.chart.correctionId}/decision`,
      payload: { decision: 'accepted', reason: 'Confirmed against the ID card on file.' },
    }),
  },
  'GET /api/clinics/:clinicId/corrections': {
    allowed: ['staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/corrections` }),
  },
  'GET /api/clinics/:clinicId/intake-forms': {
    allowed: ['patientA', 'patientB', 'careProvider', 'otherProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/intake-forms` }),
  },
  'GET /api/clinics/:clinicId/intake-forms/:slug': {
    allowed: ['patientA', 'patientB', 'careProvider', 'otherProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/intake-forms/${testIntakeForm.slug}` }),
  },
  'POST /api/clinics/:clinicId/intake-forms': {
    allowed: ['admin'],
    ok: 201,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/intake-forms`, payload: testIntakeForm }),
  },
  // Intake answers are clinical, and only the patient gives them.
  'POST /api/clinics/:clinicId/patients/:patientId/intake-responses': {
    allowed: ['patientA'],
    ok: 201,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/patients/${w.people.patientA.id}/intake-responses`,
      payload: { formId: w.intakeFormId, answers: { reason: 'Matrix cough', fever: false } },
    }),
  },
  'GET /api/clinics/:clinicId/patients/:patientId/intake-responses': {
    allowed: ['patientA', 'careProvider'],
    ok: 200,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/patients/${w.people.patientA.id}/intake-responses`,
    }),
  },
  // The provider directory is every clinic member's, patients included.
  'GET /api/clinics/:clinicId/provider-profiles': {
    allowed: ['patientA', 'patientB', 'careProvider', 'otherProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/provider-profiles?state=CA` }),
  },
  'GET /api/clinics/:clinicId/provider-profiles/:providerId': {
    allowed: ['patientA', 'patientB', 'careProvider', 'otherProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/provider-profiles/${w.people.careProvider.id}`,
    }),
  },
  // A provider edits their own profile (not a colleague's); admins edit anyone's.
  'PUT /api/clinics/:clinicId/provider-profiles/:providerId': {
    allowed: ['careProvider', 'admin'],
    ok: 200,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/provider-profiles/${w.people.careProvider.id}`,
      // Credentials and NPI unchanged (none yet): the provider may edit the rest.
      payload: {
        credentials: null,
        specialties: ['Family Medicine'],
        npi: null,
        languages: ['en'],
        bio: null,
        timeZone: 'America/Chicago',
      },
    }),
  },
  'POST /api/clinics/:clinicId/provider-profiles/:providerId/licenses': {
    allowed: ['admin'],
    ok: 201,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/provider-profiles/${w.people.careProvider.id}/licenses`,
      payload: { state: 'TX', licenseNumber: 'MTX-1', expiresOn: '2099-12-31' },
    }),
  },
  'POST /api/clinics/:clinicId/provider-profiles/:providerId/licenses/:licenseId/revoke': {
    allowed: ['admin'],
    ok: 204,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/provider-profiles/${w.people.careProvider.id}/licenses/${w.licenseId}/revoke`,
    }),
  },
  'GET /api/clinics/:clinicId/provider-profiles/:providerId/eligibility': {
    allowed: ['patientA', 'patientB', 'careProvider', 'otherProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/provider-profiles/${w.people.careProvider.id}/eligibility?state=CA`,
    }),
  },
  'GET /api/clinics/:clinicId/consent-documents': {
    allowed: ['patientA', 'patientB', 'careProvider', 'otherProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/consent-documents` }),
  },
  'POST /api/clinics/:clinicId/consent-documents': {
    allowed: ['admin'],
    ok: 201,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/consent-documents`,
      payload: {
        kind: 'privacy-notice',
        title: 'Notice of privacy practices',
        body: 'How we use and protect your health information.',
        required: true,
      },
    }),
  },
  // Only the patient signs their consents; nobody signs for them.
  'POST /api/clinics/:clinicId/patients/:patientId/consents': {
    allowed: ['patientA'],
    ok: 201,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/patients/${w.people.patientA.id}/consents`,
      payload: {
        consentDocumentId: w.consentDocument.id,
        typedName: 'Matrix Patient A',
        contentHash: w.consentDocument.contentHash,
      },
    }),
  },
  'GET /api/clinics/:clinicId/patients/:patientId/consents': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/patients/${w.people.patientA.id}/consents`,
    }),
  },
  // Documents: staff and admins reach the administrative categories (an insurance card),
  // never clinical ones (A's document here is a lab result).
  'POST /api/clinics/:clinicId/patients/:patientId/documents': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 201,
    call: (w, caller) => ({
      url: `/api/clinics/${w.clinic.id}/patients/${w.people.patientA.id}/documents`,
      ...multipartBody(
        { category: caller === 'staff' || caller === 'admin' ? 'insurance-card' : 'lab-result' },
        { name: 'matrix.png', bytes: makePng() },
      ),
    }),
  },
  'GET /api/clinics/:clinicId/patients/:patientId/documents': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/patients/${w.people.patientA.id}/documents`,
    }),
  },
  'GET /api/clinics/:clinicId/patients/:patientId/documents/:documentId/content': {
    allowed: ['patientA', 'careProvider'],
    ok: 200,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/patients/${w.people.patientA.id}/documents/${w.documentOfA}/content`,
    }),
  },
  // The uploader (A) or a provider caring for A; retracting twice answers the same.
  'POST /api/clinics/:clinicId/patients/:patientId/documents/:documentId/retract': {
    allowed: ['patientA', 'careProvider'],
    ok: 200,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/patients/${w.people.patientA.id}/documents/${w.documentOfA}/retract`,
      payload: { reason: 'Uploaded to the wrong visit' },
    }),
  },
  // A provider sets their own photo (not a colleague's); admins set anyone's.
  'POST /api/clinics/:clinicId/providers/:providerId/photo': {
    allowed: ['careProvider', 'admin'],
    ok: 201,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/providers/${w.people.careProvider.id}/photo`,
      ...multipartBody({}, { name: 'me.png', bytes: makePng() }),
    }),
  },
  'GET /api/clinics/:clinicId/providers/:providerId/photo': {
    allowed: ['patientA', 'patientB', 'careProvider', 'otherProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/providers/${w.people.careProvider.id}/photo`,
    }),
  },
  // Scheduling, the bookable side: every member reads what can be booked; admins change
  // visit types; a provider (their own), staff and admins manage a calendar.
  'GET /api/clinics/:clinicId/visit-types': {
    allowed: ['patientA', 'patientB', 'careProvider', 'otherProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/visit-types?includeInactive=true` }),
  },
  'POST /api/clinics/:clinicId/visit-types': {
    allowed: ['admin'],
    ok: 201,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/visit-types`,
      payload: { ...matrixVisitType, name: 'Matrix follow-up' },
    }),
  },
  'PUT /api/clinics/:clinicId/visit-types/:visitTypeId': {
    allowed: ['admin'],
    ok: 200,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/visit-types/${w.visitTypeId}`,
      payload: { ...matrixVisitType, active: false },
    }),
  },
  'GET /api/clinics/:clinicId/providers/:providerId/schedule': {
    allowed: ['patientA', 'patientB', 'careProvider', 'otherProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `${scheduleOf(w)}` }),
  },
  'PUT /api/clinics/:clinicId/providers/:providerId/schedule': {
    allowed: ['careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({
      url: scheduleOf(w),
      payload: {
        timeZone: 'America/Chicago',
        minimumNoticeMinutes: 60,
        bookingHorizonDays: 30,
        rules: [{ weekday: 1, startTime: '09:00', endTime: '12:00' }],
      },
    }),
  },
  // Exceptions hold the provider's own notes: those who manage the calendar read them.
  'GET /api/clinics/:clinicId/providers/:providerId/schedule/exceptions': {
    allowed: ['careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `${scheduleOf(w)}/exceptions` }),
  },
  'POST /api/clinics/:clinicId/providers/:providerId/schedule/exceptions': {
    allowed: ['careProvider', 'staff', 'admin'],
    ok: 201,
    call: (w) => ({
      url: `${scheduleOf(w)}/exceptions`,
      payload: {
        kind: 'time-off',
        startsAt: '2099-02-01T00:00:00Z',
        endsAt: '2099-02-02T00:00:00Z',
        note: 'Matrix time off',
      },
    }),
  },
  // Each allowed caller removes an exception of their own making (one each in the world).
  'DELETE /api/clinics/:clinicId/providers/:providerId/schedule/exceptions/:exceptionId': {
    allowed: ['careProvider', 'staff', 'admin'],
    ok: 204,
    call: (w, caller) => ({
      url: `${scheduleOf(w)}/exceptions/${
        w.scheduleExceptions[caller] ?? w.scheduleExceptions.careProvider
      }`,
    }),
  },
  'GET /api/clinics/:clinicId/slots': {
    allowed: ['patientA', 'patientB', 'careProvider', 'otherProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({
      // The care provider's open hours (bookingMatrixFixtures), over the coming week.
      url: `/api/clinics/${w.clinic.id}/slots?visitTypeId=${w.visitTypeId}&from=${new Date().toISOString()}&to=${new Date(Date.now() + 7 * 86_400_000).toISOString()}`,
    }),
  },
  // Appointments are administrative. The patient books, or the front desk for them; the
  // care provider is not a booker (403), patient B and the outsider find nothing (404).
  'POST /api/clinics/:clinicId/patients/:patientId/appointments': {
    allowed: ['patientA', 'staff', 'admin'],
    ok: 201,
    call: (w, caller) => ({
      url: `${chartOf(w)}/appointments`,
      payload: {
        providerId: w.people.careProvider.id,
        visitTypeId: w.booking.visitTypeId,
        startsAt: w.booking.freeSlot(personas.indexOf(caller)),
      },
    }),
  },
  'GET /api/clinics/:clinicId/patients/:patientId/appointments': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `${chartOf(w)}/appointments` }),
  },
  // The visit's own provider may cancel it too; cancelling again answers the same.
  'POST /api/clinics/:clinicId/patients/:patientId/appointments/:appointmentId/cancel': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({
      url: `${chartOf(w)}/appointments/${w.booking.upcomingId}/cancel`,
      payload: { reason: 'Matrix cancellation' },
    }),
  },
  // The first move creates the new visit; the same move again is answered as a replay.
  'POST /api/clinics/:clinicId/patients/:patientId/appointments/:appointmentId/reschedule': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 201,
    call: (w) => ({
      url: `${chartOf(w)}/appointments/${w.booking.upcomingId}/reschedule`,
      payload: { startsAt: w.booking.moveTo },
    }),
  },
  // A missed visit is the clinic's observation: never the patient's (404 for them).
  'POST /api/clinics/:clinicId/patients/:patientId/appointments/:appointmentId/no-show': {
    allowed: ['careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `${chartOf(w)}/appointments/${w.booking.startedId}/no-show` }),
  },
  // A provider sees their own calendar, not a colleague's (403 for the other provider).
  'GET /api/clinics/:clinicId/providers/:providerId/calendar': {
    allowed: ['careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/providers/${w.people.careProvider.id}/calendar?from=${w.booking.day}T00:00:00Z&to=${w.booking.day}T23:59:59Z`,
    }),
  },
  'GET /api/clinics/:clinicId/schedule': {
    allowed: ['staff', 'admin'],
    ok: 200,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/schedule?date=${w.booking.day}&timeZone=UTC`,
    }),
  },
  // Patient A's video visit with the care provider, starting in minutes; `setup` moves it
  // to the step each route applies to.
  'GET /api/clinics/:clinicId/visits/:visitId': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: visitOf(w) }),
  },
  'POST /api/clinics/:clinicId/visits/:visitId/check-in': {
    allowed: ['patientA'],
    ok: 200,
    call: (w) => ({ url: `${visitOf(w)}/check-in` }),
  },
  'PUT /api/clinics/:clinicId/visits/:visitId/waiting-note': {
    setup: (w) => visitAt(w, 'waiting'),
    allowed: ['careProvider'],
    ok: 200,
    call: (w) => ({ url: `${visitOf(w)}/waiting-note`, payload: { note: 'Two minutes, please.' } }),
  },
  'POST /api/clinics/:clinicId/visits/:visitId/admit': {
    setup: (w) => visitAt(w, 'waiting'),
    allowed: ['careProvider'],
    ok: 200,
    call: (w) => ({ url: `${visitOf(w)}/admit` }),
  },
  'GET /api/clinics/:clinicId/visits/:visitId/chat': {
    allowed: ['patientA', 'careProvider'],
    ok: 200,
    call: (w) => ({ url: `${visitOf(w)}/chat` }),
  },
  'POST /api/clinics/:clinicId/visits/:visitId/chat': {
    setup: (w) => visitAt(w, 'in-progress'),
    allowed: ['patientA', 'careProvider'],
    ok: 201,
    call: (w) => ({ url: `${visitOf(w)}/chat`, payload: { id: randomUUID(), body: 'Hello' } }),
  },
  'GET /api/clinics/:clinicId/visits/:visitId/ice-servers': {
    setup: (w) => visitAt(w, 'waiting'),
    allowed: ['patientA', 'careProvider'],
    ok: 200,
    call: (w) => ({ url: `${visitOf(w)}/ice-servers` }),
  },
  'POST /api/clinics/:clinicId/visits/:visitId/end': {
    setup: (w) => visitAt(w, 'in-progress'),
    allowed: ['careProvider'],
    ok: 200,
    call: (w) => ({ url: `${visitOf(w)}/end` }),
  },
  // The visit's note: its provider (and providers caring for A) only; the summary to A too.
  'GET /api/clinics/:clinicId/visits/:visitId/note': {
    allowed: ['careProvider'],
    ok: 200,
    call: (w) => ({ url: `${visitOf(w)}/note` }),
  },
  'PUT /api/clinics/:clinicId/visits/:visitId/note/draft': {
    setup: (w) => visitAt(w, 'in-progress'),
    allowed: ['careProvider'],
    ok: 200,
    call: (w) => ({
      url: `${visitOf(w)}/note/draft`,
      payload: { ...noteFields, expectedRevision: 0, amendmentReason: null },
    }),
  },
  'POST /api/clinics/:clinicId/visits/:visitId/note/sign': {
    setup: (w) => noteAt(w, 'draft'),
    allowed: ['careProvider'],
    ok: 200,
    call: (w) => ({ url: `${visitOf(w)}/note/sign`, payload: { expectedRevision: 1 } }),
  },
  'GET /api/clinics/:clinicId/visits/:visitId/summary': {
    setup: (w) => noteAt(w, 'signed'),
    allowed: ['patientA', 'careProvider'],
    ok: 200,
    call: (w) => ({ url: `${visitOf(w)}/summary` }),
  },
  // Guests of the visit: the provider invites, admits and removes; the patient sees the list.
  'POST /api/clinics/:clinicId/visits/:visitId/invites': {
    setup: (w) => visitAt(w, 'waiting'),
    allowed: ['careProvider'],
    ok: 201,
    call: (w) => ({ url: `${visitOf(w)}/invites` }),
  },
  'GET /api/clinics/:clinicId/visits/:visitId/guests': {
    allowed: ['patientA', 'careProvider'],
    ok: 200,
    call: (w) => ({ url: `${visitOf(w)}/guests` }),
  },
  'POST /api/clinics/:clinicId/visits/:visitId/guests/:guestId/admit': {
    setup: (w) => guestAt(w, 'waiting'),
    allowed: ['careProvider'],
    ok: 200,
    call: (w) => ({ url: `${visitOf(w)}/guests/${guestOf(w).id}/admit` }),
  },
  'POST /api/clinics/:clinicId/visits/:visitId/guests/:guestId/remove': {
    setup: (w) => guestAt(w, 'waiting'),
    allowed: ['careProvider'],
    ok: 200,
    call: (w) => ({ url: `${visitOf(w)}/guests/${guestOf(w).id}/remove` }),
  },
  // The guest's side: no account. Anyone may try a link (an unknown one is a 400).
  'POST /api/visit-invites/accept': {
    allowed: personas,
    ok: 400,
    call: () => ({
      url: '/api/visit-invites/accept',
      payload: { token: problemToken, displayName: 'Matrix Guest' },
    }),
  },
  // Only the guest's own cookie opens these (sent here with the anonymous call; a session
  // cookie replaces it for everyone else, who get 401: a session is no guest).
  'GET /api/guest/visit': {
    setup: (w) => guestAt(w, 'admitted'),
    allowed: personas,
    ok: guestOnlyAnswers,
    call: (w) => ({ url: '/api/guest/visit', headers: { cookie: guestOf(w).cookie } }),
  },
  'GET /api/guest/visit/ice-servers': {
    setup: (w) => guestAt(w, 'admitted'),
    allowed: personas,
    ok: guestOnlyAnswers,
    call: (w) => ({ url: '/api/guest/visit/ice-servers', headers: { cookie: guestOf(w).cookie } }),
  },
  'GET /api/clinics/:clinicId/waiting-room': {
    allowed: ['careProvider', 'otherProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/waiting-room` }),
  },
  // Messages: the patient, the clinic's staff and admins (the shared inbox) and A's provider;
  // the provider without a relationship gets 403, patient B and the outsider 404.
  'POST /api/clinics/:clinicId/patients/:patientId/threads': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 201,
    call: (w) => ({
      url: `${chartOf(w)}/threads`,
      payload: { subject: 'Matrix question', body: 'Is this allowed?' },
    }),
  },
  'GET /api/clinics/:clinicId/patients/:patientId/threads': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `${chartOf(w)}/threads` }),
  },
  // Every provider of the clinic has an inbox; it lists only the patients they care for.
  'GET /api/clinics/:clinicId/inbox': {
    allowed: ['careProvider', 'otherProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/inbox` }),
  },
  'GET /api/clinics/:clinicId/threads/:threadId': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({ url: `/api/clinics/${w.clinic.id}/threads/${w.threadOfA}` }),
  },
  'POST /api/clinics/:clinicId/threads/:threadId/messages': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 201,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/threads/${w.threadOfA}/messages`,
      payload: { id: randomUUID(), body: 'Matrix reply' },
    }),
  },
  'POST /api/clinics/:clinicId/threads/:threadId/read': {
    allowed: ['patientA', 'careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/threads/${w.threadOfA}/read`,
      payload: { upToSequence: Number.MAX_SAFE_INTEGER },
    }),
  },
  // Working a thread is the care team's: never the patient's own (404).
  'PATCH /api/clinics/:clinicId/threads/:threadId': {
    allowed: ['careProvider', 'staff', 'admin'],
    ok: 200,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/threads/${w.threadOfA}`,
      payload: { status: 'waiting-on-patient' },
    }),
  },
  // Everyone's own badge; there is no id to name anyone else's.
  'GET /api/me/unread': {
    allowed: signedIn,
    ok: 200,
    call: () => ({ url: '/api/me/unread' }),
  },
  // Clinical content: the patient and their providers, never staff or admins as such.
  [`GET ${CLINICAL_PROBE}`]: {
    allowed: ['patientA', 'careProvider'],
    ok: 200,
    call: (w) => ({
      url: `/api/clinics/${w.clinic.id}/patients/${w.people.patientA.id}/matrix-clinical-probe`,
    }),
  },
};

/** The care provider's schedule in the matrix clinic. */
const scheduleOf = (w: World) =>
  `/api/clinics/${w.clinic.id}/providers/${w.people.careProvider.id}/schedule`;
const matrixVisitType = {
  name: 'Matrix video visit',
  durationMinutes: 30,
  modality: 'video',
  priceCents: 0,
  requiredConsentKinds: ['telehealth'],
  cancellationWindowHours: 24,
};
/** Patient A's record in the matrix clinic. */
const chartOf = (w: World) => `/api/clinics/${w.clinic.id}/patients/${w.people.patientA.id}`;
const visitOf = (w: World) => `/api/clinics/${w.clinic.id}/visits/${w.videoVisitOfA}`;
const noteFields = {
  subjective: 'Matrix subjective',
  objective: '',
  assessment: 'Matrix assessment',
  plan: '',
  patientSummary: 'Matrix summary for the patient',
  followUp: '',
};
/** The visit under way, with its note as a draft (revision 1) or signed. */
async function noteAt(w: World, status: 'draft' | 'signed') {
  await visitAt(w, 'in-progress');
  await w.db.insert(visitNotes).values({
    ...noteFields,
    appointmentId: w.videoVisitOfA,
    organizationId: w.clinic.id,
    patientUserId: w.people.patientA.id,
    version: 1,
    status,
    authorUserId: w.people.careProvider.id,
    ...(status === 'signed' ? { signedAt: new Date(), signedBy: w.people.careProvider.id } : {}),
  });
}
const visitAt = (w: World, state: 'waiting' | 'in-progress') =>
  seedEncounter(
    w.db,
    {
      id: w.videoVisitOfA,
      clinicId: w.clinic.id,
      patientId: w.people.patientA.id,
      providerId: w.people.careProvider.id,
    },
    state,
  );
/** Patient A's visit under way (or waiting) with a guest waiting or admitted. */
const guests = new WeakMap<World, { id: string; cookie: string }>();
const guestAt = async (w: World, state: 'waiting' | 'admitted') => {
  await visitAt(w, state === 'admitted' ? 'in-progress' : 'waiting');
  const visit = {
    id: w.videoVisitOfA,
    clinicId: w.clinic.id,
    providerId: w.people.careProvider.id,
  };
  guests.set(w, await seedGuest(w.db, visit, state));
};
const guestOf = (w: World) => guests.get(w)!;
/** The app under test, for cases that look up the newest version before editing. */
let matrixApp: TestApp;

async function makeWorld(t: TestApp) {
  const db = t.testDatabase.database.db;
  const clinic = await makeClinic(db, 'Matrix Clinic');
  const otherClinic = await makeClinic(db, 'Elsewhere Clinic');
  const person = (clinicId: string, role: 'patient' | 'provider' | 'staff' | 'admin') =>
    makePerson(db, clinicId, role, PASSWORD);
  const people = {
    patientA: await person(clinic.id, 'patient'),
    patientB: await person(clinic.id, 'patient'),
    careProvider: await person(clinic.id, 'provider'),
    otherProvider: await person(clinic.id, 'provider'),
    staff: await person(clinic.id, 'staff'),
    admin: await person(clinic.id, 'admin'),
    // Holds every role, but at another clinic.
    outsider: await person(otherClinic.id, 'admin'),
  };
  for (const role of ['patient', 'provider', 'staff'] as const) {
    await addRole(db, people.outsider.id, otherClinic.id, role);
  }
  await db.insert(careTeamMembers).values({
    organizationId: clinic.id,
    patientUserId: people.patientA.id,
    providerUserId: people.careProvider.id,
    assignedBy: people.admin.id,
  });
  // Someone else's emergency access to patient B, waiting for an admin's review.
  const helper = await person(clinic.id, 'provider');
  const helperSession = await signedInCookie(t, helper.id);
  const now = new Date();
  const [grant] = await db
    .insert(breakGlassGrants)
    .values({
      organizationId: clinic.id,
      patientUserId: people.patientB.id,
      providerUserId: helper.id,
      sessionId: helperSession.sessionId,
      reason: 'Covering for a colleague tonight.',
      createdAt: now,
      expiresAt: new Date(now.getTime() + 3_600_000),
    })
    .returning();
  const patientASecondSession = (await signedInCookie(t, people.patientA.id)).sessionId;
  const chart = await chartFixtures(t, clinic.id, people.patientA.id);
  return {
    db,
    clinic,
    otherClinic,
    people,
    patientASecondSession,
    reviewableGrant: grant!.id,
    documentOfA: (
      await seedChartDocument(t, { clinicId: clinic.id, patientId: people.patientA.id })
    ).id,
    photoOfCareProvider: await seedProviderPhoto(t, clinic.id, people.careProvider.id),
    chart,
    intakeFormId: (await makeIntakeForm(db, clinic.id, people.admin.id)).id,
    licenseId: (await makeLicense(db, clinic.id, people.careProvider.id, people.admin.id)).id,
    consentDocument: await makeConsentDocument(db, clinic.id, people.admin.id),
    // After the consent document (it makes it optional): see bookingMatrixFixtures.
    booking: await bookingMatrixFixtures(db, {
      clinicId: clinic.id,
      patientId: people.patientA.id,
      providerId: people.careProvider.id,
    }),
    visitTypeId: (await makeVisitType(db, clinic.id)).id,
    videoVisitOfA: (
      await makeAppointment(db, {
        clinicId: clinic.id,
        patientId: people.patientA.id,
        providerId: people.careProvider.id,
        visitTypeId: (await makeVisitType(db, clinic.id, { name: 'Matrix video visit' })).id,
        startsAt: new Date(Date.now() + 5 * 60_000),
        minutes: 10,
      })
    ).id,
    threadOfA: (await seedThread(db, { clinicId: clinic.id, patientId: people.patientA.id })).thread
      .id,
    scheduleExceptions: {
      careProvider: await makeTimeOff(
        db,
        clinic.id,
        people.careProvider.id,
        people.careProvider.id,
      ),
      staff: await makeTimeOff(db, clinic.id, people.careProvider.id, people.staff.id),
      admin: await makeTimeOff(db, clinic.id, people.careProvider.id, people.admin.id),
    } as Partial<Record<Persona, string>> & { careProvider: string },
  };
}

/** Patient A's chart: one health entry, one insurance policy, one pending correction. */
async function chartFixtures(t: TestApp, clinicId: string, patientId: string) {
  const db = t.testDatabase.database.db;
  const chart = createPatientChart({
    db,
    clock: systemClock,
    directory: createPeopleDirectory(db),
    cipher: createFieldCipher(t.config.dataEncryptionKeys),
  });
  const item = await chart.health.create(clinicId, patientId, patientId, {
    kind: 'allergy',
    display: 'Latex',
    codeSystem: null,
    code: null,
    detail: null,
    severity: 'mild',
    onsetDate: null,
  });
  const policy = await chart.insurance.create(clinicId, patientId, patientId, insurancePayload);
  const correction = await chart.corrections.create(clinicId, patientId, {
    section: 'profile',
    requestedChange: 'My middle name is spelled wrong.',
  });
  return { itemId: item.id, policyId: policy.id, correctionId: correction.id };
}

const insurancePayload = {
  rank: 'primary' as const,
  payer: 'Matrix Health Plan',
  plan: null,
  memberId: 'MTX123456',
  groupNumber: null,
  subscriberRelationship: 'self' as const,
  subscriberName: null,
  cardFrontDocumentId: null,
  cardBackDocumentId: null,
};

/** The newest version of a chart entity, so each allowed edit is based on the latest. */
async function latestVersion(t: TestApp, table: string, column: string, id: string) {
  const [row] = await queryRows<{ version: number | null }>(
    t.testDatabase.database.db,
    sql`select max(version) as version from ${sql.identifier(table)}
        where ${sql.identifier(column)} = ${id}`,
  );
  return row?.version ?? 0;
}

/**
 * A fingerprint of every table; session activity times move on every request, so skip
 * them, and the audit trail, which records the refused attempts by design.
 */
async function databaseFingerprint(t: TestApp) {
  const db = t.testDatabase.database.db;
  const tables = await queryRows<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.tables
        where table_schema = 'public' and table_type = 'BASE TABLE'
          and table_name not like 'audit\_%' order by 1`,
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const row = sql`(to_jsonb(t) - 'last_seen_at')::text`;
    const [digest] = await queryRows<{ value: string | null }>(
      db,
      sql`select md5(string_agg(${row}, '|' order by ${row})) as value from ${sql.identifier(name)} t`,
    );
    parts.push(`${name}:${digest?.value ?? 'empty'}`);
  }
  return parts;
}

describe('authorization matrix', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Twilio configured (an API nobody listens on) so its webhook route is live.
    t = await buildTestApp({ env: { RATE_LIMIT_MAX: '100000', ...testTwilioEnv } });
    matrixApp = t;
    t.app.get(
      CLINICAL_PROBE,
      {
        config: { access: { rule: 'patient-record', content: 'clinical' } },
        schema: { params: z.object({ clinicId: z.uuid(), patientId: z.uuid() }) },
      },
      async (request) => ({ basis: request.recordAccess!.basis }),
    );
    await t.app.ready();
  });
  afterAll(() => t.close());

  const routeKeys = () => [
    ...new Set(
      t.routes
        // HEAD mirrors GET; plugin groups (docs, web app) are public and covered elsewhere.
        .filter((r) => r.method !== 'HEAD' && !r.routeGroup && r.url !== '*')
        .map((r) => `${r.method} ${r.url}`),
    ),
  ];

  it('audits every route on a patient record', () => {
    const unaudited = t.routes
      .filter((r) => r.access?.rule === 'patient-record' && !r.config.audit)
      .filter((r) => r.url !== CLINICAL_PROBE)
      .map((r) => `${r.method} ${r.url}`);
    expect(unaudited).toEqual([]);
  });

  it('has expectations for every route the app registers, and no stale ones', () => {
    expect(routeKeys().filter((k) => !(k in cases))).toEqual([]);
    expect(Object.keys(cases).filter((k) => !routeKeys().includes(k))).toEqual([]);
  });

  it.each(Object.keys(cases))('%s', async (key) => {
    const spec = cases[key]!;
    const [method] = key.split(' ') as [string];
    const w = await makeWorld(t);
    await spec.setup?.(w);
    const cookies = new Map<Persona, string>();
    for (const persona of signedIn) {
      cookies.set(persona, (await signedInCookie(t, w.people[persona].id)).cookie);
    }
    const send = async (persona: Persona) => {
      const call = await spec.call(w, persona);
      const cookie = cookies.get(persona);
      return t.app.inject({
        method: method as 'GET',
        url: call.url,
        headers: { ...sameOrigin, ...call.headers, ...(cookie ? { cookie } : {}) },
        ...(call.payload ? { payload: call.payload } : {}),
      });
    };

    const audit = t.routes.find((r) => `${r.method} ${r.url}` === key)?.config.audit;
    const denied: string[] = [];
    // Denied calls first, on a fingerprinted database: they must change nothing.
    const before = await databaseFingerprint(t);
    for (const persona of personas.filter((p) => !spec.allowed.includes(p))) {
      const res = await send(persona);
      const expected = persona === 'anonymous' ? [401] : [403, 404];
      expect(expected, `${persona} got ${res.statusCode}: ${res.body}`).toContain(res.statusCode);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).not.toContain(w.people.patientA.email);
      if (audit) denied.push(res.headers['x-request-id'] as string);
    }
    expect(await databaseFingerprint(t)).toEqual(before);

    const db = t.testDatabase.database.db;
    const outcomes = async (requestId: string) =>
      (
        await queryRows<{ action: string; outcome: string }>(
          db,
          sql`select action, outcome from audit_events where request_id = ${requestId}`,
        )
      ).map((e) => `${e.action}:${e.outcome}`);
    if (audit) {
      // Every refusal of an audited route left a `denied` event.
      for (const id of denied) {
        await expect.poll(() => outcomes(id)).toContain(`${audit.action}:denied`);
      }
      // With the audit store broken, even an allowed caller gets 503, and nothing changes.
      await t.auditWriter.flush();
      const beforeBroken = await databaseFingerprint(t);
      await db.execute(sql`alter table audit_chain_head rename to audit_chain_head_away`);
      try {
        const res = await send(spec.allowed[0]!);
        expect(res.statusCode, res.body).toBe(503);
      } finally {
        await db.execute(sql`alter table audit_chain_head_away rename to audit_chain_head`);
      }
      expect(await databaseFingerprint(t)).toEqual(beforeBroken);
    }

    const allowed: string[] = [];
    for (const persona of spec.allowed) {
      const res = await send(persona);
      const ok = typeof spec.ok === 'number' ? spec.ok : spec.ok[persona];
      expect(res.statusCode, `${persona}: ${res.body}`).toBe(ok);
      if (audit && res.statusCode < 400) allowed.push(res.headers['x-request-id'] as string);
    }

    // Every granted call of an audited route left its event before it was answered.
    for (const id of allowed) expect(await outcomes(id)).toContain(`${audit!.action}:allowed`);
  });
});
