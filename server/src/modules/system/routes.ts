import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { serverInfoSchema, type ServerInfo } from '@openvisit/contracts';

/** What the web app needs to know about the server it talks to. */
export const systemRoutes: FastifyPluginAsyncZod<{ info: ServerInfo }> = async (app, { info }) => {
  app.get(
    '/api/info',
    {
      config: { access: { rule: 'public' } },
      schema: {
        tags: ['system'],
        summary: 'Server name, version and mode',
        response: { 200: serverInfoSchema },
      },
    },
    async () => info,
  );
};
