import { sql, type SQL } from 'drizzle-orm';
import type { AppDatabase } from '../../db/client.js';
import type { FieldCipher, KeyRingEntry } from './field-cipher.js';

/**
 * A column holding values sealed by the field cipher, declared by the module that owns
 * it so key rotation can find every sealed value without knowing any module.
 */
export interface SealedColumn {
  table: string;
  /** The primary-key column. */
  id: string;
  column: string;
  /** The column the sealing context is built from, and how (when the values have one). */
  context?: { column: string; of: (value: string) => string };
}

/** Both drivers answer raw queries with `{ rows }` (drizzle's union type hides it). */
async function rowsOf<T>(db: AppDatabase, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (result as { rows: T[] }).rows;
}

interface SealedRow {
  id: string;
  sealed: string | null;
  context: string | null;
}

/** How many values each key id seals in a column (nulls are not counted). */
export async function keyUsage(db: AppDatabase, spec: SealedColumn): Promise<Map<string, number>> {
  const col = sql.identifier(spec.column);
  const rows = await rowsOf<{ key_id: string; n: number }>(
    db,
    sql`select split_part(${col}, '.', 2) as key_id, count(*)::int as n
        from ${sql.identifier(spec.table)} where ${col} is not null group by 1`,
  );
  return new Map(rows.map((r) => [r.key_id, Number(r.n)]));
}

/**
 * Re-seals up to `limit` values that are not under the current key; returns how many it
 * changed. Each update only applies if the value is still the one read (a concurrent
 * writer wins, and the next batch picks its value up if it needs it).
 */
export async function resealBatch(
  db: AppDatabase,
  cipher: FieldCipher,
  /** The ids of the ring's older keys: values under these are re-sealed. */
  olderKeyIds: string[],
  spec: SealedColumn,
  limit = 500,
): Promise<number> {
  const table = sql.identifier(spec.table);
  const id = sql.identifier(spec.id);
  const col = sql.identifier(spec.column);
  const contextCol = spec.context ? sql.identifier(spec.context.column) : sql`null`;
  const rows = await rowsOf<SealedRow>(
    db,
    sql`select ${id}::text as id, ${col} as sealed, ${contextCol}::text as context
        from ${table}
        where ${col} is not null
          and split_part(${col}, '.', 2) in (${sql.join(
            olderKeyIds.map((k) => sql`${k}`),
            sql`, `,
          )})
        limit ${limit}`,
  );
  let changed = 0;
  for (const row of rows) {
    const context = spec.context && row.context !== null ? spec.context.of(row.context) : undefined;
    const resealed = cipher.seal(cipher.open(row.sealed!, context), context);
    const done = await rowsOf(
      db,
      sql`update ${table} set ${col} = ${resealed}
          where ${id}::text = ${row.id} and ${col} = ${row.sealed} returning 1 as ok`,
    );
    changed += done.length;
  }
  return changed;
}

export interface RotationReport {
  resealed: number;
  /** Per column, how many values each key id still seals. */
  usage: { column: string; keys: Record<string, number> }[];
  /** Key ids in the ring that seal nothing any more: safe to remove from the ring. */
  retirable: string[];
}

/**
 * Re-seals every value under the ring's first key, in bounded batches, then reports which
 * older keys seal nothing and can be removed. Safe to run while the app serves traffic
 * (each update is compare-and-set) and to run again after an interruption.
 */
export async function rotateKeys(
  db: AppDatabase,
  cipher: FieldCipher,
  ring: KeyRingEntry[],
  columns: SealedColumn[],
  options: { dryRun?: boolean } = {},
): Promise<RotationReport> {
  // Values under a key missing from the ring cannot be opened: they are left alone and
  // reported (the usage lists their key ids) rather than stopping the whole run.
  const olderKeyIds = ring.slice(1).map((k) => k.id);
  let resealed = 0;
  if (!options.dryRun) {
    for (const spec of columns) {
      // Bounded: each pass re-seals up to a batch; stops when a pass finds nothing to do.
      for (let pass = 0; pass < 100_000; pass++) {
        const changed = olderKeyIds.length ? await resealBatch(db, cipher, olderKeyIds, spec) : 0;
        resealed += changed;
        if (changed === 0) break;
      }
    }
  }
  const usage = [];
  const inUse = new Set<string>();
  for (const spec of columns) {
    const keys = Object.fromEntries(await keyUsage(db, spec));
    Object.keys(keys).forEach((k) => inUse.add(k));
    usage.push({ column: `${spec.table}.${spec.column}`, keys });
  }
  const retirable = ring
    .slice(1)
    .map((k) => k.id)
    .filter((id) => !inUse.has(id));
  return { resealed, usage, retirable };
}
