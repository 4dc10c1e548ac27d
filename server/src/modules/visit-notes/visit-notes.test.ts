import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VisitNote, VisitNoteVersion, VisitSummary } from '@openvisit/contracts';
import { realtimeEvents, visitNotes } from '../../db/schema/index.js';
import { manualClock } from '../../platform/clock.js';
import { buildTestApp, type TestApp } from '../../testing/test-app.js';
import { visitWorld, type VisitWorld } from '../visits/visit-test-kit.js';

const empty = {
  subjective: '',
  objective: '',
  assessment: '',
  plan: '',
  patientSummary: '',
  followUp: '',
  amendmentReason: null,
};

describe("the visit's note: autosaved drafts, signing, amendments, the patient's summary", () => {
  let t: TestApp;
  const clock = manualClock(new Date('2026-11-26T15:00:00Z'));
  beforeAll(async () => {
    t = await buildTestApp({ clock });
  });
  afterAll(() => t.close());

  const started = async () => {
    const w = await visitWorld(t, clock);
    await w.step('patient', 'check-in');
    await w.step('provider', 'admit');
    return w;
  };
  const save = (
    w: VisitWorld,
    body: Record<string, unknown>,
    who: 'provider' | 'otherProvider' = 'provider',
  ) => w.call(who, 'PUT', `/visits/${w.visitId}/note/draft`, { ...empty, ...body });
  const sign = (w: VisitWorld, expectedRevision: number) =>
    w.call('provider', 'POST', `/visits/${w.visitId}/note/sign`, { expectedRevision });

  it('autosaves during the visit, signs, locks, and shows the patient the summary', async () => {
    const w = await started();
    const first = await save(w, { expectedRevision: 0, subjective: 'Cough for a week.' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json<VisitNoteVersion>()).toMatchObject({
      version: 1,
      status: 'draft',
      revision: 1,
    });
    const second = await save(w, {
      expectedRevision: 1,
      subjective: 'Cough for a week, no fever.',
      assessment: 'Viral bronchitis.',
      plan: 'Fluids, rest; honey for the cough.',
      patientSummary: 'Your cough is from a virus and should settle within two weeks.',
      followUp: 'Message us if you get a fever or feel short of breath.',
    });
    expect(second.json<VisitNoteVersion>().revision).toBe(2);
    // The patient has nothing to read yet.
    expect((await w.call('patient', 'GET', `/visits/${w.visitId}/summary`)).statusCode).toBe(404);

    await w.step('provider', 'end');
    clock.advance(5 * 60_000);
    const signed = await sign(w, 2);
    expect(signed.statusCode, signed.body).toBe(200);
    expect(signed.json<VisitNoteVersion>()).toMatchObject({
      status: 'signed',
      signedAt: clock.now().toISOString(),
      signedBy: { id: w.people.provider.id },
    });
    // Locked: a save against it starts nothing and changes nothing.
    const late = await save(w, { expectedRevision: 2, plan: 'Changed after signing' });
    expect(late.statusCode).toBe(409);
    const [row] = await w.db
      .select()
      .from(visitNotes)
      .where(eq(visitNotes.appointmentId, w.visitId));
    expect(row!.plan).toBe('Fluids, rest; honey for the cough.');

    const summary = await w.call('patient', 'GET', `/visits/${w.visitId}/summary`);
    expect(summary.statusCode, summary.body).toBe(200);
    expect(summary.json<VisitSummary>()).toMatchObject({
      patientSummary: 'Your cough is from a virus and should settle within two weeks.',
      followUp: 'Message us if you get a fever or feel short of breath.',
      provider: { id: w.people.provider.id },
      amendedAt: null,
    });
    // The SOAP sections are not in the patient's answer, and the patient heard it is ready.
    expect(summary.body).not.toContain('Viral bronchitis');
    const ready = await w.db
      .select({ type: realtimeEvents.type })
      .from(realtimeEvents)
      .where(eq(realtimeEvents.room, `user:${w.people.patient.id}`));
    expect(ready.map((e) => e.type)).toContain('visit.summary-ready');
  });

  it('amends a signed note as a new version with a reason; the old version stays as it was', async () => {
    const w = await started();
    await save(w, { expectedRevision: 0, assessment: 'Sprain.', patientSummary: 'A mild sprain.' });
    expect((await sign(w, 1)).statusCode).toBe(200);
    clock.advance(10 * 60_000);
    const amendment = await save(w, {
      expectedRevision: 0,
      assessment: 'Sprain; X-ray ordered to rule out a fracture.',
      patientSummary: 'A mild sprain. Please get the X-ray we ordered.',
      amendmentReason: null,
    });
    expect(amendment.json<VisitNoteVersion>()).toMatchObject({ version: 2, status: 'draft' });
    // An amendment needs its reason before it is signed.
    const refused = await sign(w, 1);
    expect(refused.statusCode).toBe(400);
    expect(refused.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual([
      'body.amendmentReason',
    ]);
    await save(w, {
      expectedRevision: 1,
      assessment: 'Sprain; X-ray ordered to rule out a fracture.',
      patientSummary: 'A mild sprain. Please get the X-ray we ordered.',
      amendmentReason: 'Added the X-ray order after reviewing the photos.',
    });
    expect((await sign(w, 2)).statusCode).toBe(200);

    const note = (await w.call('provider', 'GET', `/visits/${w.visitId}/note`)).json<VisitNote>();
    expect(note.versions.map((v) => [v.version, v.status, v.assessment])).toEqual([
      [1, 'signed', 'Sprain.'],
      [2, 'signed', 'Sprain; X-ray ordered to rule out a fracture.'],
    ]);
    expect(note.versions[1]!.amendmentReason).toBe(
      'Added the X-ray order after reviewing the photos.',
    );
    const summary = (
      await w.call('patient', 'GET', `/visits/${w.visitId}/summary`)
    ).json<VisitSummary>();
    expect(summary.patientSummary).toBe('A mild sprain. Please get the X-ray we ordered.');
    expect(summary.amendedAt).toBe(clock.now().toISOString());
  });

  it('refuses a stale autosave (another tab) instead of overwriting, and an early or empty sign', async () => {
    const w = await visitWorld(t, clock);
    // Not before the visit starts.
    expect((await save(w, { expectedRevision: 0, subjective: 'x' })).statusCode).toBe(409);
    await w.step('patient', 'check-in');
    await w.step('provider', 'admit');
    await save(w, { expectedRevision: 0, subjective: 'Tab one' });
    const tabTwo = await save(w, { expectedRevision: 0, subjective: 'Tab two' });
    expect(tabTwo.statusCode).toBe(409);
    expect(tabTwo.json<{ type: string }>().type).toContain('version-conflict');
    await save(w, { expectedRevision: 1, subjective: 'Tab one, later' });
    expect((await save(w, { expectedRevision: 1, subjective: 'Tab two again' })).statusCode).toBe(
      409,
    );
    const [row] = await w.db
      .select()
      .from(visitNotes)
      .where(eq(visitNotes.appointmentId, w.visitId));
    expect(row!.subjective).toBe('Tab one, later');
    const empty = await sign(w, 2);
    expect(empty.statusCode).toBe(400);
    expect(empty.json<{ errors: { path: string }[] }>().errors.map((e) => e.path)).toEqual([
      'body.assessment',
      'body.patientSummary',
    ]);
  });

  it("keeps the note to the visit's provider and the summary to the patient and providers", async () => {
    const w = await started();
    expect([403, 404]).toContain(
      (await save(w, { expectedRevision: 0 }, 'otherProvider')).statusCode,
    );
    for (const who of ['patient', 'staff', 'otherPatient', 'outsider'] as const) {
      const res = await w.call(who, 'GET', `/visits/${w.visitId}/note`);
      expect([403, 404], `${who}: ${res.statusCode}`).toContain(res.statusCode);
    }
    for (const who of ['staff', 'otherPatient', 'outsider'] as const) {
      const res = await w.call(who, 'GET', `/visits/${w.visitId}/summary`);
      expect([403, 404], `${who}: ${res.statusCode}`).toContain(res.statusCode);
    }
  });
});
