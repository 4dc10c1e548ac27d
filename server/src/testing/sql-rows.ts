import type { SQL } from 'drizzle-orm';
import type { AppDatabase } from '../db/client.js';

/** Rows of a raw query; both drivers answer `{ rows }`, which drizzle's union type hides. */
export async function queryRows<T>(db: AppDatabase, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  return (result as { rows: T[] }).rows;
}
