import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { livenessSchema, readinessSchema } from '@openvisit/contracts';
import type { HealthService } from './service.js';

export const healthRoutes: FastifyPluginAsyncZod<{ health: HealthService }> = async (
  app,
  { health },
) => {
  const common = { access: { rule: 'public' as const }, rateLimit: false as const };

  app.get(
    '/health/live',
    {
      config: common,
      schema: { tags: ['health'], summary: 'The process is up', response: { 200: livenessSchema } },
    },
    async () => health.liveness(),
  );

  app.get(
    '/health/ready',
    {
      config: common,
      schema: {
        tags: ['health'],
        summary: 'Every dependency answers; 503 names the ones that do not',
        response: { 200: readinessSchema, 503: readinessSchema },
      },
    },
    async (_request, reply) => {
      const readiness = await health.readiness();
      return reply.code(readiness.status === 'ready' ? 200 : 503).send(readiness);
    },
  );
};
