import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3TestServer, type S3TestServer } from '../../testing/s3-test-server.js';
import { createS3Storage, DOWNLOAD_LINK_SECONDS } from './s3-storage.js';

const readAll = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

describe('S3 storage (against a local s3rver)', () => {
  let s3: S3TestServer;
  const storeAt = (now: () => Date = () => new Date()) =>
    createS3Storage(
      {
        backend: 's3',
        endpoint: s3.endpoint,
        region: 'us-east-1',
        bucket: s3.bucket,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        forcePathStyle: true,
      },
      { now },
    );
  beforeAll(async () => {
    s3 = await startS3TestServer();
  });
  afterAll(() => s3.stop());

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
  });
});
