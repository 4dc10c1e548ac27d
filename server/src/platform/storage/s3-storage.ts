import type { Readable } from 'node:stream';
import { setTimeout } from 'node:timers/promises';
import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Clock } from '../clock.js';
import { createUploadSpool, defaultSpoolDir } from './encrypted-spool.js';
import {
  assertStorageKey,
  attachmentDisposition,
  type ObjectStorage,
  type StorageConfig,
} from './object-storage.js';

/** Download links live this long: enough to start a download, too short to pass around. */
export const DOWNLOAD_LINK_SECONDS = 60;

/** Tries of one PutObject (as the SDK's standard retry policy), with a short pause between. */
const PUT_ATTEMPTS = 3;
const RETRY_DELAY_MS = 100;

/** The store was busy or the connection failed (no answer, 5xx, throttled): worth a retry. */
function worthRetrying(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === undefined || status >= 500 || status === 429;
}

/**
 * An S3-compatible bucket (AWS S3, MinIO, Ceph, ...), for deployments with several API
 * instances. Objects are encrypted at rest by the store (SSE-S3, AES256); the bucket must
 * block public access. Downloads go straight from the bucket through a signed link.
 */
export function createS3Storage(
  config: Extract<StorageConfig, { backend: 's3' }>,
  clock: Clock,
): ObjectStorage {
  const client = new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.forcePathStyle,
    ...(config.credentials ? { credentials: config.credentials } : {}),
    // Plain checksums only when an operation needs them: many S3-compatible stores do not
    // understand the SDK's newer default (streaming trailers).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const Bucket = config.bucket;
  const spool = createUploadSpool(config.spoolDir ?? defaultSpoolDir());

  return {
    backend: 's3',

    async put(key, body, meta) {
      assertStorageKey(key);
      // Spooled first (sealed, on disk, not in memory): the object is put in one request
      // only once the whole upload has passed its checks (type, size), so no partial object
      // or unfinished multipart upload is ever left in the bucket.
      const spooled = await spool(body, key);
      try {
        // The SDK does not retry a streamed body; the spool can be read again, so we do.
        for (let attempt = 1; ; attempt++) {
          const Body = spooled.open();
          try {
            await client.send(
              new PutObjectCommand({
                Bucket,
                Key: key,
                Body,
                ContentLength: spooled.sizeBytes,
                ContentType: meta.contentType,
                ServerSideEncryption: 'AES256',
              }),
            );
            break;
          } catch (err) {
            if (attempt >= PUT_ATTEMPTS || !worthRetrying(err)) throw err;
            await setTimeout(RETRY_DELAY_MS * attempt);
          } finally {
            Body.destroy();
          }
        }
      } finally {
        await spooled.remove();
      }
      return { wrappedKey: null };
    },

    async get(key) {
      assertStorageKey(key);
      const object = await client.send(new GetObjectCommand({ Bucket, Key: key }));
      return object.Body as Readable;
    },

    async downloadLink(key, response) {
      assertStorageKey(key);
      const signedAt = clock.now();
      const url = await getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket,
          Key: key,
          ResponseContentDisposition: attachmentDisposition(response.fileName),
          ResponseContentType: response.contentType,
          ResponseCacheControl: 'no-store',
        }),
        { expiresIn: DOWNLOAD_LINK_SECONDS, signingDate: signedAt },
      );
      return { url, expiresAt: new Date(signedAt.getTime() + DOWNLOAD_LINK_SECONDS * 1000) };
    },

    async exists(key) {
      assertStorageKey(key);
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return true;
      } catch (err) {
        if (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404) return false;
        throw err;
      }
    },
  };
}
