import { Redis } from 'ioredis';
import type { FastifyBaseLogger } from 'fastify';

/**
 * Redis is optional: with REDIS_URL set it holds shared state (rate limits now; sessions,
 * realtime fan-out later) so API instances stay stateless. Commands fail fast while it is
 * unreachable instead of queueing, so a Redis outage degrades features, not latency.
 */
export function connectRedis(url: string, log: FastifyBaseLogger, keyPrefix = 'ov:'): Redis {
  const redis = new Redis(url, {
    keyPrefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  let lastLogged = 0;
  redis.on('error', (err: Error & { code?: string }) => {
    // Reconnection attempts repeat the same error; one line every 30 s is enough.
    const now = Date.now();
    if (now - lastLogged > 30_000) {
      lastLogged = now;
      log.warn({ code: err.code }, 'redis unavailable');
    }
  });
  return redis;
}

/**
 * Resolves once the first connection is up, or after `timeoutMs` regardless: a start-up
 * with Redis down still proceeds (readiness reports it) instead of hanging.
 */
export function redisConnected(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}
