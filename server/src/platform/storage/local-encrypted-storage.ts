import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import type { FieldCipher } from '../crypto/field-cipher.js';
import { assertStorageKey, type ObjectStorage } from './object-storage.js';
import { openStream, sealStream } from './sealed-segments.js';

/** Where a sealed data key belongs: opening it under another object's key fails. */
export const dataKeyContext = (key: string) => `object-key:${key}`;

/**
 * The default store: files on this server's disk, never in plaintext. Each object gets a
 * fresh random 256-bit data key (so one leaked key opens one file, and a file whose row is
 * gone is unreadable); the key is sealed by the app's key ring and kept in the database.
 * An object is written under a temporary name in the same directory tree and renamed into
 * place only once complete and flushed: a reader never sees half an object.
 */
/* eslint-disable security/detect-non-literal-fs-filename -- paths under the operator's STORAGE_DIR, from checked keys */
export function createLocalEncryptedStorage(root: string, cipher: FieldCipher): ObjectStorage {
  const incoming = path.join(root, '.incoming');
  const pathOf = (key: string) => {
    assertStorageKey(key);
    return path.join(root, ...key.split('/'));
  };

  return {
    backend: 'local',

    async put(key, body) {
      const target = pathOf(key);
      await mkdir(incoming, { recursive: true, mode: 0o700 });
      await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
      const dataKey = randomBytes(32);
      const wrappedKey = cipher.seal(dataKey.toString('base64'), dataKeyContext(key));
      const temporary = path.join(incoming, `${randomUUID()}.part`);
      try {
        await pipelineAsync(
          body,
          sealStream(dataKey, key),
          createWriteStream(temporary, { flags: 'wx', mode: 0o600 }),
        );
        // Flushed before the rename, so a crash cannot leave a complete name on a short file.
        const handle = await open(temporary, 'r');
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, target);
      } catch (err) {
        await rm(temporary, { force: true });
        throw err;
      } finally {
        dataKey.fill(0);
      }
      return { wrappedKey };
    },

    async get(key, wrappedKey) {
      if (!wrappedKey) throw new Error('a local object needs its wrapped data key');
      const dataKey = Buffer.from(cipher.open(wrappedKey, dataKeyContext(key)), 'base64');
      // pipeline, not pipe: when the reader stops early (an interrupted download) or a tag
      // fails, the file is closed too. Errors (a missing file, a failed tag) surface on the
      // returned stream; the callback only keeps them from going unhandled.
      return pipeline(createReadStream(pathOf(key)), openStream(dataKey, key), () => {});
    },

    async exists(key) {
      try {
        await access(pathOf(key));
        return true;
      } catch {
        return false;
      }
    },
  };
}
/* eslint-enable security/detect-non-literal-fs-filename */
