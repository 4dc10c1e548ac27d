import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';

/**
 * Failed-sign-in throttling that slows attackers without letting them lock a real person
 * out (OWASP ASVS 2.2.1):
 * - per account: after 5 failures in an hour each further attempt must wait 2^(n-5)
 *   seconds (at most 60) after the last failure, and after 100 failures in an hour the
 *   account takes attempts only from devices that signed in to it before (a "known
 *   device" cookie), so the owner still gets in while a guesser is stopped;
 * - per client IP: at most 100 failures an hour across all accounts.
 * Counters live in Redis when configured (shared by every instance), else in memory.
 */
export const WINDOW_MS = 60 * 60 * 1000;
export const ACCOUNT_FAILURE_CAP = 100;
export const IP_FAILURE_CAP = 100;
const FREE_FAILURES = 5;
const MAX_DELAY_S = 60;

interface FailureRecord {
  count: number;
  lastAt: number;
}

export interface FailureStore {
  get(key: string): Promise<FailureRecord | undefined>;
  record(key: string, at: number): Promise<void>;
  clear(key: string): Promise<void>;
}

export function memoryFailureStore(clock: Clock): FailureStore {
  const records = new Map<string, FailureRecord & { windowStart: number }>();
  const live = (key: string) => {
    const r = records.get(key);
    if (r && clock.now().getTime() - r.windowStart >= WINDOW_MS) {
      records.delete(key);
      return undefined;
    }
    return r;
  };
  return {
    async get(key) {
      return live(key);
    },
    async record(key, at) {
      const r = live(key);
      records.set(
        key,
        r ? { ...r, count: r.count + 1, lastAt: at } : { count: 1, lastAt: at, windowStart: at },
      );
    },
    async clear(key) {
      records.delete(key);
    },
  };
}

export function redisFailureStore(redis: Redis): FailureStore {
  const ttl = Math.ceil(WINDOW_MS / 1000);
  return {
    async get(key) {
      const [count, lastAt] = await redis.hmget(`login-fail:${key}`, 'count', 'lastAt');
      return count ? { count: Number(count), lastAt: Number(lastAt) } : undefined;
    },
    async record(key, at) {
      await redis
        .multi()
        .hincrby(`login-fail:${key}`, 'count', 1)
        .hset(`login-fail:${key}`, 'lastAt', at)
        // The window starts at the first failure: expire is only set when none is.
        .expire(`login-fail:${key}`, ttl, 'NX')
        .exec();
    },
    async clear(key) {
      await redis.del(`login-fail:${key}`);
    },
  };
}

const hash = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 32);

export function createLoginThrottle(store: FailureStore, clock: Clock, deviceKey: Buffer) {
  const accountKey = (email: string) => `acct:${hash(email.trim().toLowerCase())}`;
  const ipKey = (ip: string) => `ip:${hash(ip)}`;
  const deviceMac = (userId: string) =>
    createHmac('sha256', deviceKey).update(`known-device:${userId}`).digest('base64url');

  const tooMany = (seconds: number) =>
    new AppError(
      'rate-limited',
      `Too many failed sign-ins. Try again in ${seconds} seconds.`,
      undefined,
      {
        'retry-after': String(seconds),
      },
    );

  return {
    /** The cookie value that marks this device as one the person signed in from. */
    deviceToken: (userId: string) => `${userId}.${deviceMac(userId)}`,

    isKnownDevice(token: string | undefined, userId: string | undefined) {
      if (!token || !userId) return false;
      const [id, mac] = token.split('.');
      if (id !== userId || !mac) return false;
      const expected = Buffer.from(deviceMac(userId));
      const given = Buffer.from(mac);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },

    /** Throws 429 when this attempt must not be evaluated yet. */
    async check(email: string, ip: string, knownDevice: boolean) {
      const now = clock.now().getTime();
      const byIp = await store.get(ipKey(ip));
      if (byIp && byIp.count >= IP_FAILURE_CAP && !knownDevice)
        throw tooMany(Math.ceil(WINDOW_MS / 1000));
      const byAccount = await store.get(accountKey(email));
      if (!byAccount || knownDevice) return;
      if (byAccount.count >= ACCOUNT_FAILURE_CAP) throw tooMany(Math.ceil(WINDOW_MS / 1000));
      if (byAccount.count >= FREE_FAILURES) {
        const delayS = Math.min(2 ** (byAccount.count - FREE_FAILURES), MAX_DELAY_S);
        const waitMs = byAccount.lastAt + delayS * 1000 - now;
        if (waitMs > 0) throw tooMany(Math.ceil(waitMs / 1000));
      }
    },

    async failed(email: string, ip: string) {
      const at = clock.now().getTime();
      await store.record(accountKey(email), at);
      await store.record(ipKey(ip), at);
    },

    async succeeded(email: string) {
      await store.clear(accountKey(email));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
