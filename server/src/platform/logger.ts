import type { FastifyServerOptions } from 'fastify';
import type { FastifyRequest } from 'fastify';
import { databaseFault, loggableError } from './database-errors.js';

/**
 * Keys that must never reach a log line, wherever they appear in a logged object. Request
 * bodies are never logged at all; this list catches credentials passed around explicitly.
 */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.passwordHash',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.sessionToken',
  '*.secret',
  '*.smtpUrl',
  '*.dataEncryptionKeys',
  '*.secretSealed',
  '*.totp',
  '*.otp',
  '*.mfaCode',
  '*.recoveryCode',
  'password',
  'token',
  'secret',
];

/** Paths only: query strings can carry search terms, which can be patient data. */
const pathOnly = (url: string) => url.split('?')[0];

export function loggerOptions(
  level: string,
): Exclude<FastifyServerOptions['logger'], boolean | undefined> {
  return {
    level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: {
      req: (req: FastifyRequest) => ({
        method: req.method,
        url: pathOnly(req.url),
        remoteAddress: req.ip,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      // pino's default error serializer copies every enumerable property; database errors
      // carry query parameters and row values, so keep only what diagnoses the fault.
      err: (err: Error & { code?: unknown; statusCode?: unknown }) => ({
        type: err.name,
        ...loggableError(err),
        code: typeof err.code === 'string' ? err.code : undefined,
        statusCode: typeof err.statusCode === 'number' ? err.statusCode : undefined,
        db: databaseFault(err),
      }),
    },
  };
}
