import { intakeFormDefinitionSchema } from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import { systemClock } from '../../platform/clock.js';
import { createIntakeService } from './intake-service.js';

/** A small questionnaire of the test's own (a required text, a yes-no and its follow-up). */
export const testIntakeForm = intakeFormDefinitionSchema.parse({
  slug: 'test-intake',
  title: 'Test intake',
  questions: [
    { id: 'reason', type: 'short-text', label: 'Reason for visit', required: true },
    { id: 'fever', type: 'yes-no', label: 'Fever?', required: true },
    {
      id: 'temperature',
      type: 'number',
      label: 'Temperature',
      required: true,
      showIf: { questionId: 'fever', equals: true },
    },
  ],
});

/** Publishes `testIntakeForm` at a clinic (the next version if it exists). */
export function makeIntakeForm(db: AppDatabase, clinicId: string, publishedBy: string) {
  return createIntakeService({ db, clock: systemClock }).publish(
    clinicId,
    testIntakeForm,
    publishedBy,
  );
}
