import type { FastifyInstance } from 'fastify';

/**
 * Security headers, computed once. Set by hand rather than through helmet because helmet
 * rebuilds them per request and halved throughput on JSON routes (STACK-NOTES.md); the
 * values are the ones helmet would send for this policy.
 *
 * CSP: scripts only from our origin (no inline script, no eval). Styles allow inline
 * attributes because the component library positions elements with style attributes;
 * that cannot run code.
 */
export function securityHeaders(production: boolean): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "media-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(production ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy':
      'camera=(self), microphone=(self), display-capture=(self), geolocation=()',
    'x-dns-prefetch-control': 'off',
    'x-permitted-cross-domain-policies': 'none',
    ...(production ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
  };
}

export function registerSecurityHeaders(app: FastifyInstance, production: boolean) {
  const headers = securityHeaders(production);
  app.addHook('onRequest', async (request, reply) => {
    void reply.headers(headers);
    // API answers may hold patient data: no browser or proxy may keep a copy.
    if (request.url.startsWith('/api/') && !request.url.startsWith('/api/docs')) {
      void reply.header('cache-control', 'no-store');
    }
  });
}
