import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { markRoutesPublic } from './access.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/**
 * Serves the built web app. Files under assets/ carry a content hash in their name and are
 * cached for a year; index.html is revalidated on every load so a deploy takes effect at
 * once. Returns the SPA fallback (index.html for client-side routes), or undefined when no
 * build exists (API-only mode, e.g. during `npm run dev` where Vite serves the app).
 */
export async function registerWebApp(
  app: FastifyInstance,
  distDir: string,
): Promise<((request: FastifyRequest, reply: FastifyReply) => FastifyReply) | undefined> {
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- operator's WEB_DIST_DIR
  if (!existsSync(path.join(distDir, 'index.html'))) {
    app.log.warn('web app build not found; serving the API only (run `npm run build`)');
    return undefined;
  }
  await app.register(async (scope) => {
    markRoutesPublic(scope, 'web-app');
    await scope.register(fastifyStatic, {
      root: distDir,
      wildcard: false,
      cacheControl: false,
      setHeaders: (reply, filePath) => {
        const relative = path.relative(distDir, filePath);
        void reply.header(
          'cache-control',
          relative.startsWith(`assets${path.sep}`) ? IMMUTABLE : REVALIDATE,
        );
      },
    });
  });
  // The shell is small and changes only with a deploy (a restart): keep it in memory.
  // eslint-disable-next-line security/detect-non-literal-fs-filename -- operator's WEB_DIST_DIR
  const indexHtml = await readFile(path.join(distDir, 'index.html'));
  return (_request, reply) =>
    reply.header('cache-control', REVALIDATE).type('text/html; charset=utf-8').send(indexHtml);
}

/** Client-side routes: a browser navigation (GET accepting HTML) outside the API. */
export function isAppNavigation(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0] ?? '/';
  const firstSegment = path.split('/')[1] ?? '';
  if (['api', 'health', 'metrics', 'assets'].includes(firstSegment)) return false;
  // A missing file (favicon.ico, robots.txt) is a 404, not the app.
  if (path.slice(path.lastIndexOf('/')).includes('.')) return false;
  return (request.headers.accept ?? '').includes('text/html');
}
