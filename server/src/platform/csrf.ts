import type { FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

/** The header the web app sends on every state-changing request. */
export const CSRF_HEADER = 'x-openvisit-request';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery defence for cookie sessions, in two independent layers:
 * 1. a custom header, which a cross-site page cannot attach without a CORS preflight that
 *    our allowlist refuses (HTML forms and simple requests cannot send it);
 * 2. an Origin header naming this server (or an allowlisted origin), which browsers attach
 *    to every state-changing request and scripts cannot forge.
 * GET never changes state, so it needs neither.
 */
export function csrfHook(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins);
  return async function rejectForgedRequests(request: FastifyRequest): Promise<void> {
    if (SAFE_METHODS.has(request.method) || request.is404) return;
    // Neither the scraper nor a webhook caller is a browser holding our cookie: a forged
    // request gains nothing from a session, and a webhook proves itself by its signature.
    const rule = request.routeOptions.config.access?.rule;
    if (rule === 'metrics' || rule === 'webhook') return;
    if (!request.headers[CSRF_HEADER]) {
      throw new AppError('csrf-rejected', `Send the ${CSRF_HEADER} header with this request.`);
    }
    const origin = request.headers.origin;
    const own = `${request.protocol}://${request.host}`;
    if (!origin || (origin !== own && !allowed.has(origin))) {
      throw new AppError('csrf-rejected', 'The request came from another site.');
    }
  };
}
