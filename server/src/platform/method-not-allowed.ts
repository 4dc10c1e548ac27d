import FindMyWay from 'find-my-way';
import type { HTTPMethod } from 'find-my-way';
import type { FastifyInstance } from 'fastify';

/**
 * Fastify answers 404 for a known path with the wrong method. A shadow router of every
 * registered route tells the not-found handler which methods the path does accept, so it
 * can answer 405 with an Allow header instead.
 */
export function trackAllowedMethods(app: FastifyInstance) {
  const router = FindMyWay({ ignoreTrailingSlash: false });
  const methods = new Set<string>();
  app.addHook('onRoute', (route) => {
    // Catch-all routes (CORS preflight answers `OPTIONS *`) match every path; they say
    // nothing about which methods a particular resource supports.
    if (route.url.includes('*')) return;
    for (const method of [route.method].flat()) {
      methods.add(method);
      if (!router.hasRoute(method as HTTPMethod, route.url)) {
        router.on(method as HTTPMethod, route.url, () => {});
      }
    }
  });
  return (path: string): string[] =>
    [...methods].filter((m) => router.find(m as HTTPMethod, path) !== null).sort();
}
