import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startS3TestServer, type S3TestServer } from '../../testing/s3-test-server.js';
import { createS3Storage, DOWNLOAD_LINK_SECONDS } from './s3-storage.js';
import { SEGMENT_BYTES } from './sealed-segments.js';

const readAll = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

describe('S3 storage (against a local s3rver)', () => {
  let s3: S3TestServer;
  let spoolDir = '';
  const storeAt = (now: () => Date = () => new Date()) =>
    createS3Storage(
      {
        backend: 's3',
        endpoint: s3.endpoint,
        region: 'us-east-1',
        bucket: s3.bucket,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        forcePathStyle: true,
        spoolDir,
      },
      { now },
    );
  beforeAll(async () => {
    s3 = await startS3TestServer();
    spoolDir = await mkdtemp(path.join(tmpdir(), 'ov-s3-spool-test-'));
  });
  afterAll(async () => {
    await s3.stop();
    await rm(spoolDir, { recursive: true, force: true });
  });
  const spooled = async () => (await readdir(spoolDir)).map((name) => path.join(spoolDir, name));

  it('stores and reads back an object, and signs a short attachment link to it', async () => {
    const store = storeAt();
    const bytes = randomBytes(150_000);
    const key = `documents/c1/${randomBytes(4).toString('hex')}`;
    expect(await store.exists(key)).toBe(false);
    const put = await store.put(
      key,
      Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]),
      {
        contentType: 'application/pdf',
      },
    );
    expect(put).toEqual({ wrappedKey: null });
    expect(await store.exists(key)).toBe(true);
    expect((await readAll(await store.get(key, null))).equals(bytes)).toBe(true);

    const link = await store.downloadLink!(key, {
      fileName: 'Lab résultat "2026".pdf',
      contentType: 'application/pdf',
    });
    const url = new URL(link.url);
    expect(url.origin).toBe(s3.endpoint);
    expect(url.searchParams.get('X-Amz-Expires')).toBe(String(DOWNLOAD_LINK_SECONDS));
    expect(DOWNLOAD_LINK_SECONDS).toBeLessThanOrEqual(60);
    const download = await fetch(link.url);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="Lab r_sultat _2026_.pdf"; filename*=UTF-8''Lab%20r%C3%A9sultat%20%222026%22.pdf`,
    );
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await download.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('signs links that stop working after a minute', async () => {
    const key = `documents/c1/${randomBytes(4).toString('hex')}`;
    await storeAt().put(key, Readable.from([randomBytes(100)]), { contentType: 'image/png' });
    // Signed 61 seconds ago, by a clock that was right then.
    const past = storeAt(() => new Date(Date.now() - (DOWNLOAD_LINK_SECONDS + 1) * 1000));
    const expired = await fetch(
      (await past.downloadLink!(key, { fileName: 'a.png', contentType: 'image/png' })).url,
    );
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Request has expired');
  });

  it('puts nothing when the body fails part-way', async () => {
    const before = await s3.keys();
    async function* failing() {
      yield randomBytes(10_000);
      throw new Error('upload refused');
    }
    const key = `documents/c1/${randomBytes(4).toString('hex')}`;
    await expect(
      storeAt().put(key, Readable.from(failing()), { contentType: 'image/png' }),
    ).rejects.toThrow('upload refused');
    expect(await storeAt().exists(key)).toBe(false);
    expect(await s3.keys()).toEqual(before);
    expect(await s3.incompleteUploads()).toEqual([]);
    expect(await spooled()).toEqual([]);
  });

  it('streams an upload through an encrypted spool file, not memory, and leaves none behind', async () => {
    const marker = Buffer.from('SPOOL-PLAINTEXT-MARKER-4417');
    const first = randomBytes(4 * SEGMENT_BYTES);
    for (let at = 0; at + marker.length < first.length; at += 4096) marker.copy(first, at);
    const rest = randomBytes(100_000);
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* slowUpload() {
      yield first;
      await gate;
      yield rest;
    }
    const key = `documents/c1/${randomBytes(4).toString('hex')}`;
    const putting = storeAt().put(key, Readable.from(slowUpload()), {
      contentType: 'application/pdf',
    });
    // Half-way: what has arrived is on disk, sealed; nothing is in the bucket yet.
    const file = await vi.waitFor(
      async () => {
        const [only] = await spooled();
        expect((await stat(only!)).size).toBeGreaterThanOrEqual(3 * SEGMENT_BYTES);
        return only!;
      },
      { timeout: 5000 },
    );
    expect((await readFile(file)).includes(marker)).toBe(false);
    expect(await storeAt().exists(key)).toBe(false);
    expect(await s3.incompleteUploads()).toEqual([]);

    release();
    await putting;
    const stored = await readAll(await storeAt().get(key, null));
    expect(stored.equals(Buffer.concat([first, rest]))).toBe(true);
    expect(await spooled()).toEqual([]);
  });

  it('puts again when the store is briefly unavailable (the SDK does not retry a stream)', async () => {
    // In front of s3rver: the first two PUTs are answered 503 SlowDown, as a busy S3 does.
    let refused = 0;
    const upstream = new URL(s3.endpoint);
    const proxy = http.createServer((req, res) => {
      if (req.method === 'PUT' && refused < 2) {
        refused++;
        req.resume();
        req.on('end', () => {
          res.writeHead(503, { 'content-type': 'application/xml' });
          res.end(
            '<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Busy</Message></Error>',
          );
        });
        return;
      }
      const forward = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const store = createS3Storage(
        {
          backend: 's3',
          endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
          region: 'us-east-1',
          bucket: s3.bucket,
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
          forcePathStyle: true,
          spoolDir,
        },
        { now: () => new Date() },
      );
      const bytes = randomBytes(100_000);
      const key = `documents/c1/${randomBytes(4).toString('hex')}`;
      await store.put(key, Readable.from([bytes]), { contentType: 'image/png' });
      expect(refused).toBe(2);
      expect((await readAll(await storeAt().get(key, null))).equals(bytes)).toBe(true);
      expect(await spooled()).toEqual([]);
    } finally {
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  it('clears spool files a crashed process left behind', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ov-s3-stale-spool-'));
    try {
      const stale = path.join(dir, 'left-by-a-crash.part');
      const recent = path.join(dir, 'another-upload-in-flight.part');
      await writeFile(stale, randomBytes(100));
      await writeFile(recent, randomBytes(100));
      const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
      await utimes(stale, twoHoursAgo, twoHoursAgo);
      const store = createS3Storage(
        {
          backend: 's3',
          endpoint: s3.endpoint,
          region: 'us-east-1',
          bucket: s3.bucket,
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
          forcePathStyle: true,
          spoolDir: dir,
        },
        { now: () => new Date() },
      );
      const key = `documents/c1/${randomBytes(4).toString('hex')}`;
      await store.put(key, Readable.from([randomBytes(100)]), { contentType: 'image/png' });
      expect(await readdir(dir)).toEqual(['another-upload-in-flight.part']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('sees an unfinished multipart upload (so the checks above are not vacuous)', async () => {
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const Key = `documents/c1/${randomBytes(4).toString('hex')}`;
    const begun = await client.send(new CreateMultipartUploadCommand({ Bucket: s3.bucket, Key }));
    const upload = { Bucket: s3.bucket, Key, UploadId: begun.UploadId };
    const part = await client.send(
      new UploadPartCommand({ ...upload, PartNumber: 1, Body: randomBytes(100) }),
    );
    expect(await s3.incompleteUploads()).toEqual([begun.UploadId]);
    // Completed (s3rver cannot abort), so the bucket holds no unfinished upload again.
    await client.send(
      new CompleteMultipartUploadCommand({
        ...upload,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
      }),
    );
    expect(await s3.incompleteUploads()).toEqual([]);
    client.destroy();
  });
});
