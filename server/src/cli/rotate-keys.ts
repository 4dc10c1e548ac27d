import { ConfigError, loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { createFieldCipher } from '../platform/crypto/field-cipher.js';
import { rotateKeys } from '../platform/crypto/sealed-columns.js';
import { sealedColumns } from './sealed-columns.js';

/* eslint-disable no-console -- a command-line tool talks to the operator's terminal */

/**
 * `npm run keys:rotate [-- --check]`: re-seals every encrypted field under the first key
 * of DATA_ENCRYPTION_KEYS, then says which older keys seal nothing and may be removed.
 * `--check` only reports. Exit 0 when done, 1 when some value is sealed under a key that
 * is missing from the ring, 78 on a configuration error. On the embedded database, stop the
 * server first (PGlite serves one process at a time).
 */
async function main() {
  const check = process.argv.includes('--check');
  const config = loadConfig(process.env, ['node', 'rotate-keys', '--role=migrate']);
  const ring = config.dataEncryptionKeys;
  const database = await openDatabase(
    config.database.kind === 'embedded'
      ? { kind: 'embedded', dataDir: config.database.dataDir }
      : { kind: 'postgresql', url: config.database.url, poolMax: 2 },
  );
  try {
    const report = await rotateKeys(database.db, createFieldCipher(ring), ring, sealedColumns, {
      dryRun: check,
    });
    if (!check) console.log(`re-sealed ${report.resealed} values under key ${ring[0]!.id}`);
    for (const { column, keys } of report.usage) {
      const counts = Object.entries(keys).map(([k, n]) => `${k}=${n}`);
      console.log(`${column}: ${counts.join(' ') || 'no values'}`);
    }
    const known = new Set(ring.map((k) => k.id));
    const unknown = report.usage
      .flatMap(({ keys }) => Object.keys(keys))
      .filter((k) => !known.has(k));
    if (unknown.length) {
      console.error(
        `values are sealed under keys not in the ring: ${[...new Set(unknown)].join(', ')}`,
      );
      return 1;
    }
    console.log(
      report.retirable.length
        ? `no value uses ${report.retirable.join(', ')}: remove it from DATA_ENCRYPTION_KEYS`
        : 'every key in the ring is still in use (or the ring has one key)',
    );
    return 0;
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
    console.error('key rotation failed:', err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
