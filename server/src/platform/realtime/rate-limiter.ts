/** How many client events a person may send: a burst of `capacity`, refilled steadily. */
export interface EventBudget {
  /** Events a person may send at once. */
  capacity: number;
  /** Over how long a full bucket refills (30 events / 10 s by default). */
  refillMs: number;
}

export const defaultEventBudget: EventBudget = { capacity: 30, refillMs: 10_000 };

/**
 * Token buckets keyed by person, shared by all of that person's sockets on this instance
 * (opening more tabs does not buy more events). Buckets of people with no socket left are
 * dropped by `forget`.
 */
export function createTokenBuckets(
  budget: EventBudget,
  now: () => number = () => performance.now(),
) {
  const perMs = budget.capacity / budget.refillMs;
  const buckets = new Map<string, { tokens: number; at: number }>();

  return {
    /** Takes one token for `key`; false when the bucket is empty. */
    take(key: string): boolean {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: budget.capacity, at: t };
      bucket.tokens = Math.min(budget.capacity, bucket.tokens + (t - bucket.at) * perMs);
      bucket.at = t;
      buckets.set(key, bucket);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    forget(key: string) {
      buckets.delete(key);
    },
    get size() {
      return buckets.size;
    },
  };
}

export type TokenBuckets = ReturnType<typeof createTokenBuckets>;
