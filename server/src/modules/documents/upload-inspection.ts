import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { AppError } from '../../platform/errors.js';

/** file-type reads at most this much of a file's start to decide what it is. */
const DETECTION_BYTES = 4100;

/** What file-type reports, mapped to the type we store (HEIF stills are HEIC photos). */
const storedType: Record<string, string> = {
  'application/pdf': 'application/pdf',
  'image/jpeg': 'image/jpeg',
  'image/png': 'image/png',
  'image/heic': 'image/heic',
  'image/heif': 'image/heic',
};

export interface InspectedUpload {
  /** Detected from the bytes. */
  mediaType: string;
  /** The whole file again, head included; errors with 413 past the limit. */
  body: Readable;
  /** Size and SHA-256, once `body` has been read to its end. */
  digest(): { sizeBytes: number; sha256: string };
}

const humanSize = (bytes: number) =>
  bytes >= 1024 * 1024
    ? `${Math.floor(bytes / (1024 * 1024))} MB`
    : `${Math.floor(bytes / 1024)} KB`;

export const tooLarge = (maxBytes: number) =>
  new AppError('payload-too-large', `The file is larger than ${humanSize(maxBytes)}.`);

/**
 * Reads an arriving file's first bytes to decide its type from its content (a renamed
 * program stays a program whatever its name says), then hands back a stream of the whole
 * file that counts and hashes as it goes. A refused file is read to its end and dropped,
 * so the client hears the refusal instead of a reset connection.
 */
export async function inspectUpload(
  file: Readable,
  options: { maxBytes: number; accepted: readonly string[]; describeAccepted: string },
): Promise<InspectedUpload> {
  const chunks = file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const hash = createHash('sha256');
  let size = 0;
  let finished = false;

  const head: Buffer[] = [];
  while (size < DETECTION_BYTES) {
    const next = await chunks.next();
    if (next.done) {
      finished = true;
      break;
    }
    head.push(next.value);
    size += next.value.length;
  }
  if (size > options.maxBytes) {
    await drain(chunks);
    throw tooLarge(options.maxBytes);
  }
  const start = Buffer.concat(head);
  const detected = size > 0 ? await fileTypeFromBuffer(start) : undefined;
  const mediaType = detected ? storedType[detected.mime] : undefined;
  if (!mediaType || !options.accepted.includes(mediaType)) {
    if (!finished) await drain(chunks);
    throw new AppError(
      'unsupported-document-type',
      size === 0
        ? 'The file is empty.'
        : `This file is not ${options.describeAccepted}, whatever its name says.`,
    );
  }
  hash.update(start);

  async function* whole() {
    yield start;
    if (finished) return;
    for (;;) {
      const next = await chunks.next();
      if (next.done) return;
      size += next.value.length;
      if (size > options.maxBytes) {
        await drain(chunks);
        throw tooLarge(options.maxBytes);
      }
      hash.update(next.value);
      yield next.value;
    }
  }

  let sha256: string | undefined;
  return {
    mediaType,
    body: Readable.from(whole(), { objectMode: false }),
    digest() {
      sha256 ??= hash.digest('hex');
      return { sizeBytes: size, sha256 };
    },
  };
}

/** Reads and drops the rest of a refused file (the multipart parser caps what it yields). */
async function drain(chunks: AsyncIterator<Buffer>) {
  try {
    for (;;) if ((await chunks.next()).done) return;
  } catch {
    // The client went away: nothing left to read.
  }
}

/** The uploader's file name, kept for the record: no folders, no controls, 200 characters. */
export function cleanFileName(raw: string | undefined, fallback = 'document'): string {
  const base = (raw ?? '').split(/[/\\]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  return [...cleaned].slice(0, 200).join('') || fallback;
}
