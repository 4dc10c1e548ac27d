import { databaseFault } from '../../platform/database-errors.js';
import { AppError } from '../../platform/errors.js';
import type { PeopleDirectory } from '../identity/people-directory.js';

/*
 * Chart entities are append-only version rows. An edit names the version it started from;
 * if someone else saved in between, the edit is refused rather than silently overwriting,
 * and the person sees the newer version first.
 */

export const versionConflict = (current: number) =>
  new AppError(
    'version-conflict',
    `This was changed by someone else while you were editing (now at version ${current}). Review the latest version and make your change again.`,
  );

/** Throws the conflict when the row the edit was based on is no longer the newest. */
export function assertBasedOnLatest(expected: number, current: number) {
  if (expected !== current) throw versionConflict(current);
}

/**
 * Two edits based on the same version race to insert the same (entity, version): the
 * unique index lets one win; the other becomes the same conflict as above.
 */
export async function insertingVersion<T>(
  constraint: string,
  expected: number,
  insert: () => Promise<T>,
): Promise<T> {
  try {
    return await insert();
  } catch (err) {
    const fault = databaseFault(err);
    if (fault?.sqlState === '23505' && fault.constraint === constraint) {
      throw versionConflict(expected + 1);
    }
    throw err;
  }
}

export interface VersionStamp {
  version: number;
  recordedAt: Date;
  recordedBy: string;
  changeReason: string | null;
}

/** The API's view of a version stamp, with the recorder's name. */
export function stampView(row: VersionStamp, names: Map<string, string>) {
  return {
    version: row.version,
    recordedAt: row.recordedAt.toISOString(),
    recordedBy: { id: row.recordedBy, displayName: names.get(row.recordedBy) ?? 'Unknown' },
    changeReason: row.changeReason,
  };
}

/**
 * Versions newest first, each with the fields that changed from the one before it.
 * `values` holds the fields as they were (already decrypted or masked by the caller).
 */
export async function historyView<R extends VersionStamp>(
  rowsNewestFirst: R[],
  fields: readonly (keyof R & string)[],
  directory: PeopleDirectory,
  values: (row: R) => Record<string, unknown> = (row) =>
    Object.fromEntries(fields.map((f) => [f, row[f]])),
) {
  const names = await directory.names(rowsNewestFirst.map((r) => r.recordedBy));
  const shown = rowsNewestFirst.map(values);
  return rowsNewestFirst.map((row, i) => {
    const previous = shown[i + 1];
    const current = shown[i]!;
    const changed = Object.keys(current).filter(
      (f) => !previous || JSON.stringify(previous[f]) !== JSON.stringify(current[f]),
    );
    return { ...stampView(row, names), changed, values: current };
  });
}
