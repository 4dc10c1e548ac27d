import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq } from 'drizzle-orm';
import type {
  HealthItem,
  healthItemCreateSchema,
  healthItemUpdateSchema,
} from '@openvisit/contracts';
import type { z } from 'zod';
import type { AppDatabase } from '../../db/client.js';
import { healthItemVersions } from '../../db/schema/index.js';
import { AppError } from '../../platform/errors.js';
import type { PeopleDirectory } from '../identity/people-directory.js';
import { assertBasedOnLatest, historyView, insertingVersion, stampView } from './chart-versions.js';

type ItemRow = typeof healthItemVersions.$inferSelect;
type CreateInput = z.output<typeof healthItemCreateSchema>;
type UpdateInput = z.output<typeof healthItemUpdateSchema>;

const itemFields = [
  'display',
  'codeSystem',
  'code',
  'detail',
  'severity',
  'onsetDate',
  'status',
] as const satisfies readonly (keyof ItemRow)[];

/** Allergies, medications and conditions: a coded list with a free-text fallback. */
export function createHealthHistoryService(db: AppDatabase, directory: PeopleDirectory) {
  const ofPatient = (clinicId: string, patientId: string) =>
    and(
      eq(healthItemVersions.organizationId, clinicId),
      eq(healthItemVersions.patientUserId, patientId),
    );

  async function versionsOf(clinicId: string, patientId: string, itemId: string) {
    return db
      .select()
      .from(healthItemVersions)
      .where(and(ofPatient(clinicId, patientId), eq(healthItemVersions.itemId, itemId)))
      .orderBy(desc(healthItemVersions.version));
  }

  function toView(row: ItemRow, firstBy: string, patientId: string, names: Map<string, string>) {
    return {
      id: row.itemId,
      kind: row.kind as HealthItem['kind'],
      display: row.display,
      codeSystem: row.codeSystem,
      code: row.code,
      detail: row.detail,
      severity: row.severity as HealthItem['severity'],
      onsetDate: row.onsetDate,
      status: row.status as HealthItem['status'],
      ...stampView(row, names),
      reportedBy: {
        id: firstBy,
        displayName: names.get(firstBy) ?? 'Unknown',
        self: firstBy === patientId,
      },
    } satisfies HealthItem;
  }

  return {
    /**
     * Every item's newest version (entries made in error are left out unless asked for),
     * by kind and name. Who first recorded each is shown: patient-reported or clinician.
     */
    async list(clinicId: string, patientId: string, includeErrors = false): Promise<HealthItem[]> {
      const rows = await db
        .select()
        .from(healthItemVersions)
        .where(ofPatient(clinicId, patientId))
        .orderBy(asc(healthItemVersions.itemId), asc(healthItemVersions.version));
      const first = new Map<string, string>();
      const latest = new Map<string, ItemRow>();
      for (const row of rows) {
        if (!first.has(row.itemId)) first.set(row.itemId, row.recordedBy);
        latest.set(row.itemId, row);
      }
      const names = await directory.names(rows.map((r) => r.recordedBy));
      return [...latest.values()]
        .filter((row) => includeErrors || row.status !== 'entered-in-error')
        .map((row) => toView(row, first.get(row.itemId)!, patientId, names))
        .sort((a, b) => a.kind.localeCompare(b.kind) || a.display.localeCompare(b.display));
    },

    async create(
      clinicId: string,
      patientId: string,
      actorId: string,
      input: CreateInput,
      /** The new item's id (the audit trail names it before it exists). */
      itemId: string = randomUUID(),
    ): Promise<HealthItem> {
      if (input.kind !== 'allergy' && input.severity) {
        throw new AppError('validation', 'Only allergies have a severity.', [
          { path: 'severity', message: 'Only allergies have a severity.' },
        ]);
      }
      const [row] = await db
        .insert(healthItemVersions)
        .values({
          itemId,
          organizationId: clinicId,
          patientUserId: patientId,
          version: 1,
          recordedBy: actorId,
          status: 'active',
          ...input,
        })
        .returning();
      const names = await directory.names([actorId]);
      return toView(row!, actorId, patientId, names);
    },

    async update(
      clinicId: string,
      patientId: string,
      itemId: string,
      actorId: string,
      input: UpdateInput,
    ): Promise<HealthItem> {
      const versions = await versionsOf(clinicId, patientId, itemId);
      const latest = versions[0];
      if (!latest) throw new AppError('not-found', 'No such entry in this chart.');
      if (latest.kind !== 'allergy' && input.severity) {
        throw new AppError('validation', 'Only allergies have a severity.', [
          { path: 'severity', message: 'Only allergies have a severity.' },
        ]);
      }
      assertBasedOnLatest(input.expectedVersion, latest.version);
      const { expectedVersion, ...fields } = input;
      const [row] = await insertingVersion('health_item_versions_key', expectedVersion, () =>
        db
          .insert(healthItemVersions)
          .values({
            itemId,
            organizationId: clinicId,
            patientUserId: patientId,
            kind: latest.kind,
            version: expectedVersion + 1,
            recordedBy: actorId,
            ...fields,
          })
          .returning(),
      );
      const firstBy = versions.at(-1)!.recordedBy;
      const names = await directory.names([actorId, firstBy]);
      return toView(row!, firstBy, patientId, names);
    },

    async history(clinicId: string, patientId: string, itemId: string) {
      const rows = await versionsOf(clinicId, patientId, itemId);
      if (!rows.length) throw new AppError('not-found', 'No such entry in this chart.');
      return historyView(rows, itemFields, directory);
    },
  };
}

export type HealthHistoryService = ReturnType<typeof createHealthHistoryService>;
