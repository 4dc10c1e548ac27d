import { and, asc, eq } from 'drizzle-orm';
import {
  slugFromName,
  type ConsentKind,
  type VisitType,
  type VisitModality,
  type visitTypeCreateSchema,
  type visitTypeUpdateSchema,
} from '@openvisit/contracts';
import type { z } from 'zod';
import type { AppDatabase } from '../../db/client.js';
import { visitTypes } from '../../db/schema/index.js';
import type { Clock } from '../../platform/clock.js';
import { databaseFault } from '../../platform/database-errors.js';
import { AppError } from '../../platform/errors.js';

type VisitTypeCreate = z.output<typeof visitTypeCreateSchema>;
type VisitTypeUpdate = z.output<typeof visitTypeUpdateSchema>;
type VisitTypeRow = typeof visitTypes.$inferSelect;

/** Whether the clinic has an intake questionnaire by this slug (the intake module answers). */
export type IntakeFormExists = (clinicId: string, slug: string) => Promise<boolean>;

export interface VisitTypeDeps {
  db: AppDatabase;
  clock: Clock;
  intakeFormExists: IntakeFormExists;
}

export const visitTypeView = (row: VisitTypeRow): VisitType => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  description: row.description,
  durationMinutes: row.durationMinutes,
  bufferBeforeMinutes: row.bufferBeforeMinutes,
  bufferAfterMinutes: row.bufferAfterMinutes,
  modality: row.modality as VisitModality,
  priceCents: row.priceCents,
  currency: row.currency,
  intakeFormSlug: row.intakeFormSlug,
  requiredConsentKinds: row.requiredConsentKinds as ConsentKind[],
  cancellationWindowHours: row.cancellationWindowHours,
  active: row.active,
});

const slugTaken = () =>
  new AppError(
    'conflict',
    'Another visit type at this clinic already has this name. Choose another.',
  );

/** Visit types: what patients can book. This service owns the table; rows are never deleted. */
export function createVisitTypeService(deps: VisitTypeDeps) {
  const { db, clock, intakeFormExists } = deps;

  async function row(clinicId: string, visitTypeId: string) {
    const [found] = await db
      .select()
      .from(visitTypes)
      .where(and(eq(visitTypes.organizationId, clinicId), eq(visitTypes.id, visitTypeId)));
    return found;
  }

  /** An unknown questionnaire is a field error, found before anything is stored. */
  async function checkIntakeForm(clinicId: string, slug: string | null) {
    if (slug && !(await intakeFormExists(clinicId, slug))) {
      throw new AppError('validation', 'One or more fields are not valid.', [
        { path: 'body.intakeFormSlug', message: 'No intake questionnaire by this name.' },
      ]);
    }
  }

  const isSlugClash = (err: unknown) => {
    const fault = databaseFault(err);
    return fault?.sqlState === '23505' && fault.constraint === 'visit_types_slug_key';
  };

  return {
    async list(clinicId: string, options: { includeInactive: boolean }): Promise<VisitType[]> {
      const rows = await db
        .select()
        .from(visitTypes)
        .where(
          and(
            eq(visitTypes.organizationId, clinicId),
            options.includeInactive ? undefined : eq(visitTypes.active, true),
          ),
        )
        .orderBy(asc(visitTypes.name), asc(visitTypes.id));
      return rows.map(visitTypeView);
    },

    /** Any visit type of the clinic, retired ones included (appointments keep theirs). */
    async get(clinicId: string, visitTypeId: string): Promise<VisitType> {
      const found = await row(clinicId, visitTypeId);
      if (!found) throw new AppError('not-found', 'No visit type with this id at this clinic.');
      return visitTypeView(found);
    },

    /** A visit type patients may book now: it exists here and is active. */
    async getBookable(clinicId: string, visitTypeId: string): Promise<VisitType> {
      const found = await row(clinicId, visitTypeId);
      if (!found?.active) {
        throw new AppError('not-found', 'No bookable visit type with this id at this clinic.');
      }
      return visitTypeView(found);
    },

    async create(clinicId: string, id: string, input: VisitTypeCreate): Promise<VisitType> {
      await checkIntakeForm(clinicId, input.intakeFormSlug);
      const { slug, ...fields } = input;
      const now = clock.now();
      try {
        const [created] = await db
          .insert(visitTypes)
          .values({
            id,
            organizationId: clinicId,
            slug: slug ?? (slugFromName(input.name) || 'visit'),
            ...fields,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        return visitTypeView(created!);
      } catch (err) {
        if (isSlugClash(err)) throw slugTaken();
        throw err;
      }
    },

    /** Replaces the settings; the slug stays (it is the visit type's stable name). */
    async update(
      clinicId: string,
      visitTypeId: string,
      input: VisitTypeUpdate,
    ): Promise<VisitType> {
      if (!(await row(clinicId, visitTypeId))) {
        throw new AppError('not-found', 'No visit type with this id at this clinic.');
      }
      await checkIntakeForm(clinicId, input.intakeFormSlug);
      const [updated] = await db
        .update(visitTypes)
        .set({ ...input, updatedAt: clock.now() })
        .where(and(eq(visitTypes.organizationId, clinicId), eq(visitTypes.id, visitTypeId)))
        .returning();
      return visitTypeView(updated!);
    },
  };
}

export type VisitTypeService = ReturnType<typeof createVisitTypeService>;
