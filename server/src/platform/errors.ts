import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { FieldError, Problem } from '@openvisit/contracts';
import { isDatabaseUnavailable } from './database-errors.js';

/**
 * The catalog of every problem the API can answer with (RFC 9457). Handlers throw
 * `new AppError('not-found')`; one error handler turns it into problem+json. The `type`
 * URIs are stable: clients may switch on them.
 */
export const problemCatalog = {
  validation: { status: 400, title: 'The request is not valid' },
  'bad-request': { status: 400, title: 'The request could not be understood' },
  'invalid-token': { status: 400, title: 'Invalid or expired link' },
  unauthenticated: { status: 401, title: 'Sign-in required' },
  'invalid-credentials': { status: 401, title: 'Sign-in failed' },
  forbidden: { status: 403, title: 'Not allowed' },
  'csrf-rejected': { status: 403, title: 'Request refused: it did not come from this application' },
  'email-not-verified': { status: 403, title: 'Email address not confirmed' },
  'mfa-required': { status: 403, title: 'Two-step sign-in required' },
  'no-care-relationship': { status: 403, title: "You are not on this patient's care team" },
  'invalid-code': { status: 400, title: 'The code is not valid' },
  'not-found': { status: 404, title: 'Not found' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  'not-acceptable': { status: 406, title: 'Not acceptable' },
  conflict: { status: 409, title: 'Conflict' },
  'version-conflict': { status: 409, title: 'Someone else changed this first' },
  'provider-not-licensed': {
    status: 409,
    title: "This provider is not licensed in the patient's state",
  },
  'patient-location-unknown': { status: 409, title: "The patient's state is not known" },
  'consent-version-changed': { status: 409, title: 'A newer version of this document exists' },
  'consent-required': { status: 409, title: 'Consent documents must be signed first' },
  'slot-taken': { status: 409, title: 'This time was just booked' },
  'slot-unavailable': { status: 409, title: 'This time is no longer available' },
  'patient-double-booked': { status: 409, title: 'The patient already has a visit at this time' },
  'appointment-not-changeable': { status: 409, title: 'This appointment can no longer be changed' },
  'sms-opted-out': { status: 409, title: 'This number has opted out of text messages' },
  'visit-state': { status: 409, title: 'The visit is not at a step where this can happen' },
  'check-in-not-open': { status: 409, title: 'Check-in is not open for this visit' },
  'visit-full': { status: 409, title: 'The visit has as many participants as it can take' },
  'payload-too-large': { status: 413, title: 'Request body too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported media type' },
  'unsupported-document-type': { status: 415, title: 'This kind of file is not accepted' },
  'invalid-answers': { status: 422, title: 'Some answers need attention' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  internal: { status: 500, title: 'Internal server error' },
  'service-unavailable': { status: 503, title: 'Service unavailable' },
} as const;

export type ProblemCode = keyof typeof problemCatalog;

export const problemTypeUri = (code: ProblemCode) => `/problems/${code}`;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    readonly detail?: string,
    readonly fieldErrors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? problemCatalog[code].title);
    this.name = 'AppError';
    this.status = problemCatalog[code].status;
  }
}

export function problemBody(
  request: FastifyRequest,
  code: ProblemCode,
  detail?: string,
  errors?: FieldError[],
): Problem {
  const entry = problemCatalog[code];
  return {
    type: problemTypeUri(code),
    title: entry.title,
    status: entry.status,
    ...(detail ? { detail } : {}),
    // The path only: query strings may carry search terms, which can be PHI.
    instance: request.url.split('?')[0],
    requestId: request.id,
    ...(errors ? { errors } : {}),
  };
}

export function sendProblem(
  reply: FastifyReply,
  code: ProblemCode,
  detail?: string,
  errors?: FieldError[],
) {
  const body = problemBody(reply.request, code, detail, errors);
  return reply.code(body.status).type('application/problem+json').send(body);
}

/** Fastify's own error codes for input the client controls, mapped to our catalog. */
const fastifyCodes: Record<string, ProblemCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad-request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad-request',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad-request',
  FST_ERR_VALIDATION: 'validation',
};

/** For errors raised by plugins with only a status code. */
const codeByStatus: Record<number, ProblemCode> = {
  400: 'bad-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'rate-limited',
  503: 'service-unavailable',
};

function codeForStatus(status: number): ProblemCode {
  return codeByStatus[status] ?? (status >= 500 ? 'internal' : 'bad-request');
}

/** Fastify names the query-string context `querystring`; clients know it as `query`. */
const contextName = (context: string) => (context === 'querystring' ? 'query' : context);

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    if (error.status >= 500 && error.code !== 'service-unavailable') {
      request.log.error({ err: error }, 'server error');
    }
    if (error.headers) void reply.headers(error.headers);
    return sendProblem(reply, error.code, error.detail, error.fieldErrors);
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = error.validationContext ?? 'body';
    const errors = error.validation.map((v) => ({
      path: [contextName(context), ...v.instancePath.split('/').filter(Boolean)].join('.'),
      message: v.message ?? 'invalid',
    }));
    return sendProblem(reply, 'validation', 'One or more fields are not valid.', errors);
  }
  const mapped = error.code ? fastifyCodes[error.code] : undefined;
  if (mapped === 'bad-request' && error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return sendProblem(reply, 'bad-request', 'The body is not valid JSON.');
  }
  if (mapped)
    return sendProblem(reply, mapped, mapped === 'bad-request' ? error.message : undefined);
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    return sendProblem(reply, codeForStatus(status), error.message);
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    void reply.header('retry-after', '5');
    return sendProblem(reply, 'service-unavailable', 'The database is unavailable; retry shortly.');
  }
  // Unexpected: log the error itself (never the request body) and say nothing specific.
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(reply, status === 503 ? 'service-unavailable' : 'internal');
}
