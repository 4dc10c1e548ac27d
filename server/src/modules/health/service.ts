import type { DependencyCheck, Readiness } from '@openvisit/contracts';

export type Probe = () => Promise<void>;

export const CHECK_TIMEOUT_MS = 2_000;

/**
 * Readiness asks each dependency for a real round trip, concurrently, so a load balancer
 * stops sending traffic while the database or Redis is unreachable and resumes by itself
 * when it returns (no restart needed: the pool and the Redis client reconnect).
 */
export function createHealthService(probes: Record<string, Probe>, startedAt = Date.now()) {
  async function check(probe: Probe): Promise<DependencyCheck> {
    const start = performance.now();
    try {
      await probe();
      return { status: 'up', latencyMs: round(performance.now() - start) };
    } catch (err) {
      return { status: 'down', latencyMs: round(performance.now() - start), error: reason(err) };
    }
  }

  return {
    liveness: () => ({ status: 'live' as const, uptimeSeconds: (Date.now() - startedAt) / 1000 }),
    async readiness(): Promise<Readiness> {
      const names = Object.keys(probes);
      const results = await Promise.all(names.map((name) => check(probes[name]!)));
      const checks = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
      const failing = names.filter((name) => checks[name]!.status === 'down');
      return { status: failing.length ? 'not_ready' : 'ready', failing, checks };
    },
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** A short, PHI-free reason: an error code such as ECONNREFUSED, or `timeout`. */
function reason(err: unknown): string {
  if (err && typeof err === 'object') {
    const { code, message } = err as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && code) return code;
    if (message === 'timeout') return 'timeout';
    if (Array.isArray((err as { errors?: unknown }).errors)) return 'unreachable';
  }
  return 'unavailable';
}

export type HealthService = ReturnType<typeof createHealthService>;
