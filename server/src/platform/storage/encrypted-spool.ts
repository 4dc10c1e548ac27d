import { randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline, Transform, type Readable } from 'node:stream';
import { pipeline as pipelineAsync } from 'node:stream/promises';
import { openStream, sealStream } from './sealed-segments.js';

/** The default spool folder: the system's temporary folder (`TMPDIR`). */
export const defaultSpoolDir = () => path.join(tmpdir(), 'openvisit-upload-spool');

/** Spool files this old belong to a process that died mid-upload (unreadable: key lost). */
const STALE_AFTER_MS = 60 * 60 * 1000;

/** An upload held on disk, sealed, until it is handed on. */
export interface SpooledUpload {
  sizeBytes: number;
  /** The plaintext again; the file is closed when the reader finishes or stops. */
  open(): Readable;
  /** Deletes the file and forgets the key. */
  remove(): Promise<void>;
}

/**
 * A temporary file for an upload on its way to a store that needs the whole body before it
 * can accept it (S3's PutObject wants its length). The bytes are sealed (sealed-segments.ts)
 * under a random key that lives only in this process's memory, so the file is useless to
 * anyone else, and unreadable garbage if the process dies before removing it. Memory use is
 * one segment per upload, whatever the file's size.
 */
/* eslint-disable security/detect-non-literal-fs-filename -- the operator's temp folder, random names */
export function createUploadSpool(dir: string) {
  let ready: Promise<void> | undefined;
  const setUp = async () => {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await sweepStale(dir);
  };
  // Once per process; tried again on the next upload if it failed.
  const prepare = () =>
    (ready ??= setUp().catch((err: unknown) => {
      ready = undefined;
      throw err;
    }));

  return async function spool(body: Readable, context: string): Promise<SpooledUpload> {
    await prepare();
    const file = path.join(dir, `${randomUUID()}.part`);
    const key = randomBytes(32);
    const aad = `spool:${context}`;
    let sizeBytes = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        sizeBytes += chunk.length;
        callback(null, chunk);
      },
    });
    try {
      await pipelineAsync(
        body,
        count,
        sealStream(key, aad),
        createWriteStream(file, { flags: 'wx', mode: 0o600 }),
      );
    } catch (err) {
      key.fill(0);
      await rm(file, { force: true });
      throw err;
    }
    return {
      sizeBytes,
      open: () => pipeline(createReadStream(file), openStream(key, aad), () => {}),
      async remove() {
        key.fill(0);
        await rm(file, { force: true });
      },
    };
  };
}

async function sweepStale(dir: string) {
  const now = Date.now();
  for (const name of await readdir(dir).catch(() => [])) {
    if (!name.endsWith('.part')) continue;
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (info && now - info.mtimeMs > STALE_AFTER_MS) await rm(file, { force: true });
  }
}
/* eslint-enable security/detect-non-literal-fs-filename */
