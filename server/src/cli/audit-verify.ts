import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { fileAnchorStore } from '../modules/audit/anchor-store.js';
import { verifyChain } from '../modules/audit/verify-chain.js';

/* eslint-disable no-console -- a command-line tool talks to the operator's terminal */

/**
 * `npm run audit:verify`: walks the whole audit chain and checks it against the anchors.
 * Exit 0 when intact, 1 naming the first bad entry, 78 on a configuration error. On the
 * embedded database, stop the server first: PGlite serves one process at a time.
 */
async function main() {
  const config = loadConfig(process.env, ['node', 'audit-verify', '--role=migrate']);
  const database = await openDatabase(
    config.database.kind === 'embedded'
      ? { kind: 'embedded', dataDir: config.database.dataDir }
      : { kind: 'postgresql', url: config.database.url, poolMax: 2 },
  );
  try {
    const anchors = fileAnchorStore(config.audit.anchorDir);
    const result = await verifyChain(database.db, anchors);
    if (result.ok) {
      console.log(
        `audit trail intact: ${result.events} entries, ${result.anchorsChecked} anchors checked (${anchors.location})`,
      );
      return 0;
    }
    console.error(
      `audit trail BROKEN at entry ${result.firstBad!.seq}: ${result.firstBad!.reason}`,
    );
    return 1;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(`${err.message}\nSee .env.example for every variable.`);
      process.exit(78);
    }
    console.error('audit verification failed to run:', err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
