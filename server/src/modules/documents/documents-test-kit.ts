import { randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { deflateSync } from 'node:zlib';
import type { DocumentCategory } from '@openvisit/contracts';
import { systemClock } from '../../platform/clock.js';
import { createFieldCipher } from '../../platform/crypto/field-cipher.js';
import { openObjectStorage } from '../../platform/storage/object-storage.js';
import type { TestApp } from '../../testing/test-app.js';
import { createPeopleDirectory } from '../identity/people-directory.js';
import { createDocumentService } from './document-service.js';

/** Test helpers for uploads: real files made in memory, multipart bodies built by hand. */

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (bytes: Buffer) => {
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type: string, data: Buffer) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

/** A valid PNG of random gray pixels (unique bytes every call), `side` pixels square. */
export function makePng(side = 8): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grayscale
  const rows = Buffer.concat(
    Array.from({ length: side }, () => Buffer.concat([Buffer.from([0]), randomBytes(side)])),
  );
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A minimal one-page PDF with a unique marker in it. */
export function makePdf(marker = randomBytes(8).toString('hex')): Buffer {
  return Buffer.from(
    `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n% ${marker}\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
  );
}

/** The start of an ELF executable: what a renamed program looks like. */
export const elfBytes = () =>
  Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), randomBytes(600)]);

/** A Windows program (MZ header, then the PE signature where the header points). */
export function peBytes(): Buffer {
  const bytes = Buffer.alloc(1024);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  return bytes;
}

/** An HEIC photo's first box, which is what the type detection reads. */
export function heicHeader(brand = 'heic'): Buffer {
  const box = Buffer.alloc(24);
  box.writeUInt32BE(24, 0);
  box.write('ftyp', 4, 'latin1');
  box.write(brand, 8, 'latin1');
  box.write('mif1heic', 16, 'latin1');
  return Buffer.concat([box, randomBytes(2000)]);
}

export interface MultipartFile {
  name: string;
  bytes: Buffer;
  contentType?: string;
}

/** A multipart/form-data body: the fields in order, then the file (as a browser sends it). */
export function multipartBody(fields: Record<string, string>, file?: MultipartFile) {
  const boundary = `----openvisit${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  if (file) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\n` +
          `Content-Type: ${file.contentType ?? 'application/octet-stream'}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(parts),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

/** A document service on the test app's own database and store (to seed documents). */
export async function documentsOf(t: TestApp) {
  const cipher = createFieldCipher(t.config.dataEncryptionKeys);
  return createDocumentService({
    db: t.testDatabase.database.db,
    clock: systemClock,
    directory: createPeopleDirectory(t.testDatabase.database.db),
    cipher,
    storage: await openObjectStorage(t.config.storage, { cipher, clock: systemClock }),
    maxBytes: t.config.documents.maxBytes,
  });
}

/** Puts a PNG in a patient's chart, as if the patient had uploaded it. */
export async function seedChartDocument(
  t: TestApp,
  input: { clinicId: string; patientId: string; category?: DocumentCategory },
) {
  const documents = await documentsOf(t);
  return documents.upload({
    documentId: randomUUID(),
    clinicId: input.clinicId,
    patientId: input.patientId,
    actor: { userId: input.patientId, basis: 'self' },
    category: input.category ?? 'lab-result',
    file: { stream: Readable.from([makePng()]), fileName: 'seeded.png' },
  });
}

/** Gives a provider a photo. */
export async function seedProviderPhoto(t: TestApp, clinicId: string, providerId: string) {
  const documents = await documentsOf(t);
  return documents.uploadProviderPhoto({
    clinicId,
    providerId,
    uploadedBy: providerId,
    file: { stream: Readable.from([makePng()]), fileName: 'me.png' },
  });
}
