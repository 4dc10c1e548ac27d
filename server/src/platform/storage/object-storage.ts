import type { Readable } from 'node:stream';
import type { Clock } from '../clock.js';
import type { FieldCipher } from '../crypto/field-cipher.js';

/** Which store holds uploaded files, from the environment (config.ts). */
export type StorageConfig =
  | { backend: 'local'; dir: string }
  | {
      backend: 's3';
      endpoint: string | undefined;
      region: string;
      bucket: string;
      /** Unset: the AWS SDK's default chain (instance role, IRSA, AWS_* variables). */
      credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
      forcePathStyle: boolean;
      /** Where uploads wait, sealed, until they are put; default: TMPDIR/openvisit-upload-spool. */
      spoolDir?: string;
    };

export type StorageBackend = StorageConfig['backend'];

/** What the caller keeps beside the key to read the object back (documents.wrapped_key). */
export interface PutResult {
  /** The object's own data key, sealed by the app's key ring; null when the store encrypts. */
  wrappedKey: string | null;
}

export interface DownloadLink {
  url: string;
  expiresAt: Date;
}

/**
 * Object storage for uploaded files. Keys are opaque ids chosen by the caller
 * (`documents/<clinic>/<document>`), never names a person typed.
 */
export interface ObjectStorage {
  readonly backend: StorageBackend;
  /**
   * Stores everything `body` yields under `key`. All or nothing: if `body` fails (an upload
   * refused half-way), the call rejects with that error and nothing exists under `key`.
   */
  put(key: string, body: Readable, meta: { contentType: string }): Promise<PutResult>;
  /** The object's plaintext bytes. */
  get(key: string, wrappedKey: string | null): Promise<Readable>;
  /**
   * A short-lived link the browser may fetch the object from directly (stores that can sign
   * one); undefined means "serve it through the app".
   */
  downloadLink?(
    key: string,
    response: { fileName: string; contentType: string },
  ): Promise<DownloadLink>;
  exists(key: string): Promise<boolean>;
}

export interface StorageDeps {
  cipher: FieldCipher;
  clock: Clock;
}

/** Opens the configured store; the AWS SDK is loaded only when S3 is configured. */
export async function openObjectStorage(
  config: StorageConfig,
  deps: StorageDeps,
): Promise<ObjectStorage> {
  if (config.backend === 's3') {
    const { createS3Storage } = await import('./s3-storage.js');
    return createS3Storage(config, deps.clock);
  }
  const { createLocalEncryptedStorage } = await import('./local-encrypted-storage.js');
  return createLocalEncryptedStorage(config.dir, deps.cipher);
}

const KEY_SEGMENT = /^[a-z0-9][a-z0-9-]*$/;

/** Keys are generated, but checked anyway: a key must never climb out of the store. */
export function assertStorageKey(key: string) {
  if (key.length > 200 || !key.split('/').every((segment) => KEY_SEGMENT.test(segment))) {
    throw new Error('invalid storage key');
  }
}

/**
 * `Content-Disposition: attachment` with the name in both forms (RFC 6266): a plain ASCII
 * fallback and the UTF-8 original. The name was cleaned on upload; quotes and controls go.
 */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_') || 'document';
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
