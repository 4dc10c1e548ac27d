import type { Broadcaster, StoredEvent } from './event-log.js';

/**
 * A broadcaster services can hold before the Socket.IO server exists: routes (and the
 * services behind them) are built first, the socket server is attached afterwards. Until
 * one is bound, and after the app closes, broadcasts go nowhere: no socket can be
 * listening then, and every event is in the event log for clients that resume.
 */
export function createLateBroadcaster() {
  const targets = new Set<Broadcaster>();
  return {
    /**
     * Writes to sockets on the next turn of the event loop, so the request that committed
     * the change is answered first: a fan-out to thousands of sockets is synchronous work
     * that the sender should not wait for. setImmediate runs in order, so events keep
     * their commit order.
     */
    broadcast(events: StoredEvent[]) {
      if (!events.length) return;
      setImmediate(() => {
        for (const target of targets) target.broadcast(events);
      });
    },
    /** Forwards to `target` from now on; answers the function that stops it. */
    bind(target: Broadcaster): () => void {
      targets.add(target);
      return () => targets.delete(target);
    },
  };
}

export type LateBroadcaster = ReturnType<typeof createLateBroadcaster>;
