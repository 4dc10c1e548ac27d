import type { FastifyRequest } from 'fastify';
import '@fastify/multipart';
import { AppError } from '../../platform/errors.js';
import { tooLarge } from './upload-inspection.js';
import type { IncomingFile } from './document-service.js';

/** Room for the multipart framing and the small fields around the file itself. */
const FRAMING_ALLOWANCE = 64 * 1024;

/**
 * Takes the one file of a multipart/form-data request, with the text fields sent before it.
 * The bytes are not read here: the service streams them. A body that announces itself as
 * far too large is refused before any of it is read.
 */
export async function receiveFile(
  request: FastifyRequest,
  maxBytes: number,
): Promise<IncomingFile & { fields: Record<string, string> }> {
  if (!request.isMultipart()) {
    throw new AppError('unsupported-media-type', 'Send the file as multipart/form-data.');
  }
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes + FRAMING_ALLOWANCE) {
    // The rest is not read: ask the client to drop the connection with the answer.
    const error = tooLarge(maxBytes);
    throw new AppError(error.code, error.detail, undefined, { connection: 'close' });
  }
  const part = await request.file({
    // One byte past the limit is enough to know a file is too large.
    limits: { fileSize: maxBytes + 1, files: 1, fields: 4, fieldSize: 256, parts: 6 },
  });
  if (!part) {
    throw new AppError('validation', 'Choose a file to upload.', [
      { path: 'body.file', message: 'Choose a file to upload.' },
    ]);
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(part.fields)) {
    if (value && !Array.isArray(value) && value.type === 'field') {
      fields[name] = String(value.value);
    }
  }
  return { stream: part.file, fileName: part.filename, fields };
}

/** Reads and drops a file that will not be kept (bad fields), so the client hears why. */
export async function discard(file: IncomingFile) {
  try {
    for await (const chunk of file.stream) void chunk;
  } catch {
    // The client went away.
  }
}
