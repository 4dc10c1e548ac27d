import { and, desc, eq } from 'drizzle-orm';
import {
  patientProfileFieldNames,
  type PatientProfile,
  type PatientProfileFields,
} from '@openvisit/contracts';
import type { AppDatabase } from '../../db/client.js';
import { patientProfileVersions } from '../../db/schema/index.js';
import type { PeopleDirectory } from '../identity/people-directory.js';
import { assertBasedOnLatest, historyView, insertingVersion, stampView } from './chart-versions.js';

type ProfileRow = typeof patientProfileVersions.$inferSelect;

const profileFields = patientProfileFieldNames satisfies readonly (keyof ProfileRow)[];

const fieldsOf = (row: ProfileRow) =>
  Object.fromEntries(profileFields.map((f) => [f, row[f]])) as PatientProfileFields;

/** Who the patient is (demographics and contact details), versioned. */
export function createProfileService(db: AppDatabase, directory: PeopleDirectory) {
  const ofPatient = (clinicId: string, patientId: string) =>
    and(
      eq(patientProfileVersions.organizationId, clinicId),
      eq(patientProfileVersions.patientUserId, patientId),
    );

  async function latestRow(clinicId: string, patientId: string) {
    const [row] = await db
      .select()
      .from(patientProfileVersions)
      .where(ofPatient(clinicId, patientId))
      .orderBy(desc(patientProfileVersions.version))
      .limit(1);
    return row;
  }

  async function view(row: ProfileRow): Promise<PatientProfile> {
    const names = await directory.names([row.recordedBy]);
    return { ...fieldsOf(row), ...stampView(row, names) };
  }

  return {
    async get(clinicId: string, patientId: string): Promise<PatientProfile | null> {
      const row = await latestRow(clinicId, patientId);
      return row ? view(row) : null;
    },

    /** The state the patient lives in, for the licensing rule (null when not given). */
    async state(clinicId: string, patientId: string): Promise<string | null> {
      return (await latestRow(clinicId, patientId))?.state ?? null;
    },

    async update(
      clinicId: string,
      patientId: string,
      actorId: string,
      input: PatientProfileFields & { expectedVersion: number; changeReason: string | null },
    ): Promise<PatientProfile> {
      const { expectedVersion, changeReason, ...fields } = input;
      const current = await latestRow(clinicId, patientId);
      assertBasedOnLatest(expectedVersion, current?.version ?? 0);
      const [row] = await insertingVersion('patient_profile_versions_key', expectedVersion, () =>
        db
          .insert(patientProfileVersions)
          .values({
            organizationId: clinicId,
            patientUserId: patientId,
            version: expectedVersion + 1,
            recordedBy: actorId,
            changeReason,
            ...fields,
          })
          .returning(),
      );
      return view(row!);
    },

    async history(clinicId: string, patientId: string) {
      const rows = await db
        .select()
        .from(patientProfileVersions)
        .where(ofPatient(clinicId, patientId))
        .orderBy(desc(patientProfileVersions.version));
      return historyView(rows, profileFields, directory);
    },
  };
}

export type ProfileService = ReturnType<typeof createProfileService>;
