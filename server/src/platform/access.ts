import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

/**
 * Every route declares who may call it in `config.access`; a route without a rule is
 * refused (deny by default) and fails the route-inventory test. The identity capability
 * adds the rules that involve a signed-in person (role within the resource's clinic,
 * care relationship); until then only these exist:
 * - `public`: anyone, signed in or not (health, docs, the web app, a clinic's public page);
 * - `metrics`: the Prometheus scraper; the route itself checks the bearer token.
 */
export type AccessRule = { rule: 'public' } | { rule: 'metrics' };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: AccessRule;
    /**
     * Groups the many routes a plugin registers (one per static file) under one metrics
     * label, so the series count does not grow with every deploy.
     */
    routeGroup?: string;
  }
}

export interface RouteRecord {
  method: string;
  url: string;
  access: AccessRule | undefined;
  routeGroup: string | undefined;
}

/** Records every route with its declared rule so tests can enumerate them. */
export function collectRoutes(app: FastifyInstance): RouteRecord[] {
  const routes: RouteRecord[] = [];
  app.addHook('onRoute', (route) => {
    // CORS preflight (`OPTIONS *`, added by @fastify/cors) carries no data.
    if (route.method === 'OPTIONS' && route.url === '*') {
      route.config = { ...route.config, access: { rule: 'public' } };
    }
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      // Read lazily: hooks of inner scopes (markRoutesPublic) run after this one.
      routes.push({
        method,
        url: route.url,
        get access() {
          return route.config?.access;
        },
        get routeGroup() {
          return route.config?.routeGroup;
        },
      });
    }
  });
  return routes;
}

/**
 * Marks the routes a third-party plugin registers (static files, API docs) as public and
 * groups them under one name; the route inventory test lists the groups it expects.
 */
export function markRoutesPublic(scope: FastifyInstance, routeGroup: string) {
  scope.addHook('onRoute', (route) => {
    route.config = { ...route.config, access: { rule: 'public' }, routeGroup };
  });
}

export async function enforceAccess(request: FastifyRequest): Promise<void> {
  const access = request.routeOptions.config.access;
  // Unmatched requests go to the not-found handler, which has no rule and needs none.
  if (request.is404) return;
  switch (access?.rule) {
    case 'public':
    case 'metrics':
      return;
    default:
      throw new AppError('forbidden', 'This route declares no access rule.');
  }
}
