import { and, desc, eq, sql } from 'drizzle-orm';
import {
  validateIntakeAnswers,
  type IntakeAnswers,
  type IntakeForm,
  type IntakeFormDefinition,
  type IntakeQuestion,
  type IntakeResponse,
  type IntakeSubmission,
} from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import { intakeForms, intakeResponses } from '../../db/schema/index.js';
import type { Clock } from '../../platform/clock.js';
import { databaseFault } from '../../platform/database-errors.js';
import { AppError } from '../../platform/errors.js';
import { submissionIdFor } from './submission-id.js';

/**
 * Confirms that an appointment is the patient's, at this clinic (scheduling answers it; the
 * app wires it). Without one, an `appointmentId` is kept as given (tests of this module).
 */
export type AppointmentCheck = (
  clinicId: string,
  patientId: string,
  appointmentId: string,
) => Promise<boolean>;

export interface IntakeDeps {
  db: AppDatabase;
  clock: Clock;
  appointmentCheck?: AppointmentCheck;
}

type FormRow = typeof intakeForms.$inferSelect;
type ResponseRow = typeof intakeResponses.$inferSelect;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Two admins publishing the same form at once: the loser takes the next number. */
const PUBLISH_ATTEMPTS = 5;

const toForm = (row: FormRow): IntakeForm => ({
  id: row.id,
  slug: row.slug,
  version: row.version,
  title: row.title,
  // Validated against the contract when published; versions never change afterwards.
  questions: row.questions as IntakeQuestion[],
  publishedAt: row.publishedAt.toISOString(),
});

const toResponse = (row: ResponseRow, form: FormRow): IntakeResponse => ({
  id: row.id,
  appointmentId: row.appointmentId,
  submittedAt: row.submittedAt.toISOString(),
  answers: row.answers as IntakeAnswers,
  form: toForm(form),
});

/** Key order does not matter to jsonb; compare answers as values. */
function sameAnswers(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
              .map(([k, v]) => [k, canonical(v)]),
          )
        : value;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** Intake questionnaires (versioned forms) and patients' answers: owns their tables. */
export function createIntakeService(deps: IntakeDeps) {
  const { db, clock } = deps;

  async function formById(clinicId: string, formId: string) {
    const [row] = await db
      .select()
      .from(intakeForms)
      .where(and(eq(intakeForms.organizationId, clinicId), eq(intakeForms.id, formId)));
    return row;
  }

  /** Validation's "today" on a server that serves every zone: the latest date anywhere. */
  const latestDate = () => new Date(clock.now().getTime() + DAY_MS).toISOString().slice(0, 10);

  return {
    /** The current (newest) version of each of the clinic's forms, by title. */
    async currentForms(clinicId: string): Promise<IntakeForm[]> {
      const rows = await db
        .selectDistinctOn([intakeForms.slug])
        .from(intakeForms)
        .where(eq(intakeForms.organizationId, clinicId))
        .orderBy(intakeForms.slug, desc(intakeForms.version));
      return rows.map(toForm).sort((a, b) => a.title.localeCompare(b.title));
    },

    async currentForm(clinicId: string, slug: string): Promise<IntakeForm> {
      const [row] = await db
        .select()
        .from(intakeForms)
        .where(and(eq(intakeForms.organizationId, clinicId), eq(intakeForms.slug, slug)))
        .orderBy(desc(intakeForms.version))
        .limit(1);
      if (!row) throw new AppError('not-found', 'No questionnaire with this name at this clinic.');
      return toForm(row);
    },

    /**
     * Publishes the next version of a form (the first when the slug is new). Earlier versions
     * stay as they were: responses keep pointing at the version they answered.
     */
    async publish(
      clinicId: string,
      definition: IntakeFormDefinition,
      publishedBy: string,
      id?: string,
    ): Promise<IntakeForm> {
      for (let attempt = 1; ; attempt++) {
        try {
          const [row] = await db
            .insert(intakeForms)
            .values({
              ...(id ? { id } : {}),
              organizationId: clinicId,
              slug: definition.slug,
              title: definition.title,
              questions: definition.questions,
              publishedBy,
              publishedAt: clock.now(),
              version: sql`(select coalesce(max(${intakeForms.version}), 0) + 1 from ${intakeForms}
                where ${intakeForms.organizationId} = ${clinicId} and ${intakeForms.slug} = ${definition.slug})`,
            })
            .returning();
          return toForm(row!);
        } catch (err) {
          const fault = databaseFault(err);
          const raced =
            fault?.sqlState === '23505' && fault.constraint === 'intake_forms_version_key';
          if (!raced) throw err;
          if (attempt >= PUBLISH_ATTEMPTS) {
            throw new AppError(
              'conflict',
              'Another version was published at the same moment; try again.',
            );
          }
        }
      }
    },

    /**
     * Stores a patient's answers to one form version, after checking them against that
     * version. With an idempotency key, a retry returns the response already stored.
     */
    async submit(
      clinicId: string,
      patientId: string,
      submission: IntakeSubmission,
      options: {
        submittedBy: string;
        idempotencyKey?: string | undefined;
        /** The response's id, when the caller chose it (the audit trail names it first). */
        id?: string | undefined;
      },
    ): Promise<{ response: IntakeResponse; replayed: boolean }> {
      const form = await formById(clinicId, submission.formId);
      if (!form) throw new AppError('not-found', 'No questionnaire with this id at this clinic.');
      const appointmentId = submission.appointmentId ?? null;
      if (appointmentId && deps.appointmentCheck) {
        if (!(await deps.appointmentCheck(clinicId, patientId, appointmentId))) {
          throw new AppError('not-found', 'No appointment of yours with this id.');
        }
      }
      const { issues, answers } = validateIntakeAnswers(
        form.questions as IntakeQuestion[],
        submission.answers,
        { latestDate: latestDate() },
      );
      if (issues.length) {
        throw new AppError(
          'invalid-answers',
          issues.length === 1
            ? 'One answer needs attention; nothing was saved.'
            : `${issues.length} answers need attention; nothing was saved.`,
          issues.map((issue) => ({
            path: `body.answers.${issue.questionId}`,
            message: issue.message,
          })),
        );
      }

      const id = options.idempotencyKey
        ? submissionIdFor(clinicId, patientId, options.idempotencyKey)
        : options.id;
      const [created] = await db
        .insert(intakeResponses)
        .values({
          ...(id ? { id } : {}),
          organizationId: clinicId,
          patientUserId: patientId,
          formId: form.id,
          appointmentId,
          answers,
          submittedBy: options.submittedBy,
          submittedAt: clock.now(),
        })
        .onConflictDoNothing({ target: intakeResponses.id })
        .returning();
      if (created) return { response: toResponse(created, form), replayed: false };

      // The key was used before: the same submission gets its stored response back.
      const [earlier] = await db.select().from(intakeResponses).where(eq(intakeResponses.id, id!));
      const same =
        earlier &&
        earlier.organizationId === clinicId &&
        earlier.patientUserId === patientId &&
        earlier.formId === form.id &&
        earlier.appointmentId === appointmentId &&
        sameAnswers(earlier.answers, answers);
      if (!same) {
        throw new AppError(
          'conflict',
          'This Idempotency-Key was already used for a different submission.',
        );
      }
      return { response: toResponse(earlier, form), replayed: true };
    },

    /** A patient's responses at the clinic, newest first, each with its form version. */
    async responses(clinicId: string, patientId: string, limit = 100): Promise<IntakeResponse[]> {
      const rows = await db
        .select({ response: intakeResponses, form: intakeForms })
        .from(intakeResponses)
        .innerJoin(intakeForms, eq(intakeForms.id, intakeResponses.formId))
        .where(
          and(
            eq(intakeResponses.organizationId, clinicId),
            eq(intakeResponses.patientUserId, patientId),
          ),
        )
        .orderBy(desc(intakeResponses.submittedAt), desc(intakeResponses.id))
        .limit(limit);
      return rows.map((r) => toResponse(r.response, r.form));
    },

    /**
     * The answers that count for a visit: the newest response tied to the appointment (a
     * resubmission appends a row). For scheduling and visits.
     */
    /**
     * The answers that count for an appointment: the newest the appointment's own patient
     * gave (until scheduling checks appointment ids, another patient could name the id).
     */
    async latestForAppointment(
      clinicId: string,
      patientId: string,
      appointmentId: string,
    ): Promise<(IntakeResponse & { patientId: string }) | undefined> {
      const [row] = await db
        .select({ response: intakeResponses, form: intakeForms })
        .from(intakeResponses)
        .innerJoin(intakeForms, eq(intakeForms.id, intakeResponses.formId))
        .where(
          and(
            eq(intakeResponses.organizationId, clinicId),
            eq(intakeResponses.patientUserId, patientId),
            eq(intakeResponses.appointmentId, appointmentId),
          ),
        )
        .orderBy(desc(intakeResponses.submittedAt), desc(intakeResponses.id))
        .limit(1);
      return row
        ? { ...toResponse(row.response, row.form), patientId: row.response.patientUserId }
        : undefined;
    },
  };
}

export type IntakeService = ReturnType<typeof createIntakeService>;
