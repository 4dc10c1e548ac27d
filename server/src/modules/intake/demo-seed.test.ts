import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateIntakeAnswers } from '@openvisit/contracts';
import { organizations } from '../../db/schema/index.js';
import { DEMO_CLINIC_SLUG, seedDemo } from '../../db/seed.js';
import { systemClock } from '../../platform/clock.js';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.js';
import { createIntakeService } from './intake-service.js';

describe('demo intake questionnaires', () => {
  let d: TestDatabase;
  beforeAll(async () => {
    d = await createTestDatabase();
    await seedDemo(d.database.db);
  });
  afterAll(() => d.drop());

  it('seeds urgent-care and follow-up as version 1, once', async () => {
    const db = d.database.db;
    expect(await seedDemo(db)).toEqual({ created: false });
    const [clinic] = await db
      .select()
      .from(organizations)
      .where(eq(organizations.slug, DEMO_CLINIC_SLUG));
    const forms = await createIntakeService({ db, clock: systemClock }).currentForms(clinic!.id);
    expect(forms.map((f) => [f.slug, f.version])).toEqual([
      ['follow-up', 1],
      ['urgent-care', 1],
    ]);
    // The fever follow-up is asked only after a yes.
    const urgent = forms.find((f) => f.slug === 'urgent-care')!;
    const base = {
      reason: 'Sore throat',
      since: '2026-01-02',
      pain: 3,
      'medications-changed': false,
    };
    expect(validateIntakeAnswers(urgent.questions, { ...base, fever: false }).issues).toEqual([]);
    expect(validateIntakeAnswers(urgent.questions, { ...base, fever: true }).issues).toEqual([
      { questionId: 'temperature', message: 'Answer this question.' },
    ]);
  });
});
