import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

// s3rver ships no type declarations; this is the part of it the tests use.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

export interface S3TestServer {
  endpoint: string;
  bucket: string;
  /** The environment that points the app's storage at this server. */
  env: Record<string, string>;
  /** Every object key in the bucket (to prove nothing was written). */
  keys(): Promise<string[]>;
  /**
   * The multipart uploads begun and neither completed nor aborted (what ListMultipartUploads
   * would list; s3rver answers that call NotImplemented, so its folder is read instead).
   */
  incompleteUploads(): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * A local S3-compatible server (s3rver) on a free loopback port, with a bucket, storing in
 * a temporary folder that is removed when it stops.
 */
export async function startS3TestServer(): Promise<S3TestServer> {
  const directory = await mkdtemp(path.join(tmpdir(), 'openvisit-s3-'));
  const bucket = `docs-${randomBytes(4).toString('hex')}`;
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;

  async function listFiles(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    const nested = await Promise.all(
      entries.map(async (e) =>
        e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)],
      ),
    );
    return nested.flat();
  }

  return {
    endpoint,
    bucket,
    env: {
      STORAGE_BACKEND: 's3',
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: 'true',
    },
    // s3rver keeps each object as `<key>._S3rver_object` beside its metadata files.
    async keys() {
      const root = path.join(directory, bucket);
      return (await listFiles(root))
        .filter((f) => f.endsWith('._S3rver_object'))
        .map((f) => path.relative(root, f).replace(/\._S3rver_object$/, ''));
    },
    // s3rver keeps an upload's parts in `._S3rver_uploads/<upload id>/` until it completes.
    async incompleteUploads() {
      return readdir(path.join(directory, bucket, '._S3rver_uploads')).catch(() => []);
    },
    async stop() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
