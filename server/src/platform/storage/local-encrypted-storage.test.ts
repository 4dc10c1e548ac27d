import { randomBytes } from 'node:crypto';
import {
  copyFile,
  mkdtemp,
  readFile,
  readdir,
  readlink,
  realpath,
  rm,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createFieldCipher, type KeyRingEntry } from '../crypto/field-cipher.js';
import { createLocalEncryptedStorage } from './local-encrypted-storage.js';
import { HEADER_BYTES, SEGMENT_BYTES } from './sealed-segments.js';

const ring = (id: string): KeyRingEntry => ({ id, key: randomBytes(32) });
const readAll = async (stream: Readable) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};
/** Plaintext that is easy to spot: a marker repeated through random bytes. */
const marked = (size: number) => {
  const bytes = randomBytes(size);
  const marker = Buffer.from('PLAINTEXT-MARKER-7731');
  for (let at = 0; at + marker.length < size; at += 4096) marker.copy(bytes, at);
  return bytes;
};
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** How many of this process's open file descriptors point at `file` (Linux: /proc). */
async function handlesOn(file: string) {
  const target = await realpath(file);
  const fds = await readdir('/proc/self/fd');
  const links = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
  return links.filter((link) => link === target).length;
}
const firstChunk = (stream: Readable) =>
  new Promise<Buffer>((resolve, reject) => {
    stream.once('data', resolve);
    stream.once('error', reject);
  });

describe('encrypted local storage', () => {
  const dirs: string[] = [];
  const freshStore = async (keys = [ring('k1')]) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'ov-storage-test-'));
    dirs.push(dir);
    return { dir, store: createLocalEncryptedStorage(dir, createFieldCipher(keys)), keys };
  };
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it.each([0, 1, 1000, SEGMENT_BYTES, SEGMENT_BYTES + 1, 3 * SEGMENT_BYTES + 17])(
    'gives back exactly the %i bytes it stored, never in plaintext on disk',
    async (size) => {
      const { dir, store } = await freshStore();
      const bytes = marked(size);
      const key = `documents/c1/${randomBytes(4).toString('hex')}`;
      // Arriving in uneven pieces, as a network upload does.
      const pieces = [];
      for (let at = 0; at < size; at += 7777) pieces.push(bytes.subarray(at, at + 7777));
      const { wrappedKey } = await store.put(key, Readable.from(pieces), {
        contentType: 'image/png',
      });
      expect(wrappedKey).toMatch(/^v1\.k1\./);
      expect(await store.exists(key)).toBe(true);
      expect((await readAll(await store.get(key, wrappedKey))).equals(bytes)).toBe(true);

      const [file] = await filesUnder(dir);
      const onDisk = await readFile(file!);
      expect(onDisk.includes(Buffer.from('PLAINTEXT-MARKER-7731'))).toBe(false);
      const segments = Math.max(1, Math.ceil(size / SEGMENT_BYTES));
      expect(onDisk.length).toBe(HEADER_BYTES + size + segments * 16);
    },
  );

  it('writes nothing when the body fails part-way', async () => {
    const { dir, store } = await freshStore();
    async function* failing() {
      yield randomBytes(SEGMENT_BYTES * 2);
      throw new Error('upload refused');
    }
    const key = 'documents/c1/refused';
    await expect(
      store.put(key, Readable.from(failing()), { contentType: 'image/png' }),
    ).rejects.toThrow('upload refused');
    expect(await store.exists(key)).toBe(false);
    expect(await filesUnder(dir)).toEqual([]);
  });

  it('refuses a file that was changed, cut short or moved under another key', async () => {
    const { dir, store } = await freshStore();
    const bytes = randomBytes(SEGMENT_BYTES * 2 + 5);
    const key = 'documents/c1/original';
    const { wrappedKey } = await store.put(key, Readable.from([bytes]), {
      contentType: 'application/pdf',
    });
    const file = path.join(dir, 'documents', 'c1', 'original');
    const pristine = await readFile(file);

    const flipped = Buffer.from(pristine);
    flipped[HEADER_BYTES + 100]! ^= 1;
    await writeFile(file, flipped);
    await expect(readAll(await store.get(key, wrappedKey))).rejects.toThrow();

    // Cut at a segment boundary: what is left would still be whole segments.
    await writeFile(file, pristine);
    await truncate(file, HEADER_BYTES + 2 * (SEGMENT_BYTES + 16));
    await expect(readAll(await store.get(key, wrappedKey))).rejects.toThrow();

    // The same bytes under another key, even with the right data key, do not open.
    await writeFile(file, pristine);
    await copyFile(file, path.join(dir, 'documents', 'c1', 'moved'));
    await expect(store.get('documents/c1/moved', wrappedKey)).rejects.toThrow();

    expect((await readAll(await store.get(key, wrappedKey))).equals(bytes)).toBe(true);
  });

  describe.runIf(process.platform === 'linux')('file handles', () => {
    const storedLarge = async (name: string) => {
      const { dir, store } = await freshStore();
      const key = `documents/c1/${name}`;
      // Several read-ahead buffers long, so a reader that stops early leaves bytes unread.
      const bytes = randomBytes(SEGMENT_BYTES * 6);
      const { wrappedKey } = await store.put(key, Readable.from([bytes]), {
        contentType: 'application/pdf',
      });
      return { store, key, wrappedKey, file: path.join(dir, 'documents', 'c1', name) };
    };

    it('closes the file when the reader stops part-way (an interrupted download)', async () => {
      const { store, key, wrappedKey, file } = await storedLarge('abandoned');
      for (let i = 0; i < 5; i++) {
        const stream = await store.get(key, wrappedKey);
        expect((await firstChunk(stream)).length).toBeGreaterThan(0);
        stream.destroy();
      }
      await vi.waitFor(async () => expect(await handlesOn(file)).toBe(0), { timeout: 3000 });
    });

    it('closes the file when decryption fails part-way (a changed file)', async () => {
      const { store, key, wrappedKey, file } = await storedLarge('tampered');
      const sealed = await readFile(file);
      sealed[HEADER_BYTES + 10]! ^= 1;
      await writeFile(file, sealed);
      for (let i = 0; i < 5; i++) {
        await expect(readAll(await store.get(key, wrappedKey))).rejects.toThrow();
      }
      await vi.waitFor(async () => expect(await handlesOn(file)).toBe(0), { timeout: 3000 });
    });

    it('still reports a missing file on the stream', async () => {
      const { store, key, wrappedKey, file } = await storedLarge('missing');
      await rm(file);
      await expect(readAll(await store.get(key, wrappedKey))).rejects.toThrow(/ENOENT/);
    });
  });

  it('opens objects sealed under an older key after the key ring rotates', async () => {
    const old = ring('old');
    const { dir, store } = await freshStore([old]);
    const bytes = randomBytes(5000);
    const { wrappedKey } = await store.put('documents/c1/kept', Readable.from([bytes]), {
      contentType: 'image/png',
    });
    const rotated = createLocalEncryptedStorage(dir, createFieldCipher([ring('new'), old]));
    expect((await readAll(await rotated.get('documents/c1/kept', wrappedKey))).equals(bytes)).toBe(
      true,
    );
  });

  it('refuses keys that could leave the storage folder', async () => {
    const { store } = await freshStore();
    for (const key of ['../escape', 'documents/../../x', '/abs', 'Documents/UPPER']) {
      await expect(store.put(key, Readable.from([]), { contentType: 'x' })).rejects.toThrow(
        'invalid storage key',
      );
    }
  });
});
