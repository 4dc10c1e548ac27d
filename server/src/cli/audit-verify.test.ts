import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { fileAnchorStore } from '../modules/audit/anchor-store.js';
import { startAnchoring } from '../modules/audit/anchoring.js';
import { createAuditWriter } from '../modules/audit/audit-writer.js';
import { systemClock } from '../platform/clock.js';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** `npm run audit:verify` as an operator runs it (through tsx: no build needed here). */
function runVerify(env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', 'src/cli/audit-verify.ts'],
      {
        cwd: serverDir,
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
        encoding: 'utf8',
        timeout: 60_000,
      },
      (error, stdout, stderr) => {
        resolve({ code: error ? (error.code as number | null) : 0, output: `${stdout}${stderr}` });
      },
    );
  });
}

describe('npm run audit:verify', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ov-verify-'));
  const anchorDir = path.join(dataDir, 'anchors');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('says the trail is intact, then names the entry someone altered', async () => {
    // An embedded database on disk, as `npm start` makes, with some audit events.
    const database = await openDatabase({ kind: 'embedded', dataDir: path.join(dataDir, 'db') });
    try {
      await migrate(database.db);
      const writer = createAuditWriter(database.db, systemClock);
      for (let i = 0; i < 5; i++) {
        await writer.record([
          { occurredAt: new Date(), action: 'read', resourceType: 'cli-test', outcome: 'allowed' },
        ]);
      }
      const anchoring = startAnchoring(writer, fileAnchorStore(anchorDir), 3_600_000, console);
      await anchoring.stop();
    } finally {
      await database.close();
    }
    const env = { DATA_DIR: dataDir + '/db', AUDIT_ANCHOR_DIR: anchorDir };
    const intact = await runVerify(env);
    expect(intact.output).toContain('audit trail intact: 5 entries, 1 anchors checked');
    expect(intact.code).toBe(0);

    const again = await openDatabase({ kind: 'embedded', dataDir: path.join(dataDir, 'db') });
    try {
      await again.db.transaction(async (tx) => {
        await tx.execute(sql`set local session_replication_role = replica`);
        await tx.execute(sql`update audit_events set resource_type = 'forged' where seq = 3`);
      });
    } finally {
      await again.close();
    }
    const broken = await runVerify(env);
    expect(broken.output).toContain('audit trail BROKEN at entry 3');
    expect(broken.code).toBe(1);
  }, 120_000);
});
