import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { drizzle } from 'drizzle-orm/pglite';
import { columnCasing } from '../db/casing.js';
import { migrate } from '../db/migrate.js';
import * as schema from '../db/schema/index.js';

/**
 * PGlite spends most of its start-up in initdb. Build one migrated data directory for the
 * whole run; each test file starts its own PGlite from a copy (about three times faster),
 * still fully isolated. Real PostgreSQL runs need none of this.
 */
export default async function setup() {
  if (process.env.TEST_DATABASE_URL) return;
  const dir = mkdtempSync(path.join(tmpdir(), 'ov-pglite-template-'));
  const client = await PGlite.create({ extensions: { btree_gist } });
  await migrate(drizzle(client, { schema, casing: columnCasing }));
  const dump = await client.dumpDataDir('none');
  await client.close();
  const file = path.join(dir, 'migrated.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  process.env.OV_TEST_PGLITE_TEMPLATE = file;
  return () => rmSync(dir, { recursive: true, force: true });
}
