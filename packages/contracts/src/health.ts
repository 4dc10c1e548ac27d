import { z } from 'zod';

export const dependencyCheckSchema = z.object({
  status: z.enum(['up', 'down']),
  latencyMs: z.number(),
  /** A short, PHI-free reason such as `timeout` or `ECONNREFUSED`. */
  error: z.string().optional(),
});

export const readinessSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  /** Names of the dependencies that are down, e.g. `["database"]`. */
  failing: z.array(z.string()),
  checks: z.record(z.string(), dependencyCheckSchema),
});

export const livenessSchema = z.object({
  status: z.literal('live'),
  uptimeSeconds: z.number(),
});

export const serverInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  /** True when the server seeded and serves the demo clinic. */
  demo: z.boolean(),
  database: z.enum(['embedded', 'postgresql']),
});

export type DependencyCheck = z.infer<typeof dependencyCheckSchema>;
export type Readiness = z.infer<typeof readinessSchema>;
export type Liveness = z.infer<typeof livenessSchema>;
export type ServerInfo = z.infer<typeof serverInfoSchema>;
