import { randomBytes, randomUUID } from 'node:crypto';
import net from 'node:net';
import type { Socket as ClientSocket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTcpProxy } from '../../testing/tcp-proxy.js';
import { testRedisUrl } from '../../testing/test-app.js';
import {
  ask,
  client,
  connected,
  listeningApp,
  next,
  recordAndBroadcast,
  signedInPerson,
  until,
  type ListeningApp,
} from './realtime-test-kit.js';

/** A TCP relay standing in for the load balancer: new connections go to `target`. */
async function balancer(target: number) {
  const open = new Set<net.Socket>();
  const server = net.createServer((downstream) => {
    const upstream = net.connect(current, '127.0.0.1');
    for (const socket of [downstream, upstream]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    downstream.pipe(upstream).pipe(downstream);
  });
  let current = target;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    routeTo(port: number) {
      current = port;
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const portOf = (url: string) => Number(new URL(url).port);

describe.skipIf(!testRedisUrl)('realtime across instances (Redis streams adapter)', () => {
  const members = new Map<string, Set<string>>();
  let one: ListeningApp;
  let two: ListeningApp | undefined;
  const sockets: ClientSocket[] = [];

  beforeAll(async () => {
    const redisPrefix = `test:realtime:${randomBytes(6).toString('hex')}`;
    one = await listeningApp({ redisPrefix });
    two = await listeningApp({ redisPrefix, testDatabase: one.testDatabase });
    for (const t of [one, two]) {
      t.roomAccess.registerRoomKind('test-room', {
        async authorize(person, id) {
          return members.get(id)?.has(person.userId) ? {} : undefined;
        },
      });
    }
  });
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.close();
  });
  afterAll(async () => {
    await two?.close();
    await one.close();
  });

  it('a client on instance 2 hears a broadcast made on instance 1 within a second', async () => {
    const person = await signedInPerson(one);
    const room = `test-room:${randomUUID()}`;
    members.set(room.split(':')[1]!, new Set([person.userId]));
    const socket = client(two!.url, { cookie: person.cookie });
    sockets.push(socket);
    await connected(socket);
    expect(await ask(socket, 'subscribe', { room })).toEqual({ ok: true });

    const started = performance.now();
    const heard = next<{ eventId: number }>(socket, 'test.happened', 1_000);
    const [event] = await recordAndBroadcast(one, person.clinicId, room, [{ n: 1 }]);
    expect((await heard).eventId).toBe(event!.id);
    expect(performance.now() - started).toBeLessThan(1_000);

    // The person's own room, joined on instance 2, is reachable from instance 1 too.
    const personal = next(socket, 'unread.changed', 1_000);
    await recordAndBroadcast(one, person.clinicId, `user:${person.userId}`, [{}], 'unread.changed');
    await personal;
  });

  it('when an instance shuts down, its clients recover on another with their rooms and missed events', async () => {
    const person = await signedInPerson(one);
    const room = `test-room:${randomUUID()}`;
    members.set(room.split(':')[1]!, new Set([person.userId]));
    const lb = await balancer(portOf(two!.url));
    try {
      const socket = client(lb.url, { cookie: person.cookie, reconnection: true });
      sockets.push(socket);
      await connected(socket);
      await ask(socket, 'subscribe', { room });
      const seen: number[] = [];
      socket.on('test.happened', (data: { eventId: number }) => seen.push(data.eventId));
      await recordAndBroadcast(one, person.clinicId, room, [{ n: 0 }]);
      await until(() => seen.length === 1);

      // A rolling deploy: instance 2 stops; the balancer sends newcomers to instance 1.
      lb.routeTo(portOf(one.url));
      const dropped = next(socket, 'disconnect');
      await two!.close();
      two = undefined;
      await dropped;
      const missed = await recordAndBroadcast(one, person.clinicId, room, [{ n: 1 }, { n: 2 }]);

      await next(socket, 'connect', 5_000);
      expect(socket.recovered).toBe(true);
      await until(() => seen.length === 3);
      expect(seen.slice(1)).toEqual(missed.map((e) => e.id));
      const resumed = await ask(socket, 'resume', { since: seen[0]! });
      expect(
        (resumed.events as { data: { eventId: number } }[]).map((e) => e.data.eventId),
      ).toEqual(missed.map((e) => e.id));
    } finally {
      await lb.close();
    }
  });

  it('keeps serving its own sockets while Redis is unreachable, and uses it again after', async () => {
    const redis = new URL(testRedisUrl!);
    const proxy = await startTcpProxy(Number(redis.port || 6379));
    const alone = await listeningApp({
      env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}` },
      testDatabase: one.testDatabase,
    });
    try {
      const person = await signedInPerson(alone);
      const socket = client(alone.url, { cookie: person.cookie });
      sockets.push(socket);
      await connected(socket);

      await proxy.cut();
      const during = next(socket, 'unread.changed', 8_000);
      await recordAndBroadcast(
        alone,
        person.clinicId,
        `user:${person.userId}`,
        [{}],
        'unread.changed',
      );
      await during;
      // Events still work (the session check is the database's, not Redis').
      expect((await ask(socket, 'resume', { since: 0 })).ok).toBe(true);

      await proxy.restore();
      const after = next(socket, 'unread.changed', 8_000);
      await until(() => alone.redis?.status === 'ready', 8_000);
      await recordAndBroadcast(
        alone,
        person.clinicId,
        `user:${person.userId}`,
        [{}],
        'unread.changed',
      );
      await after;
    } finally {
      await alone.close();
      await proxy.close();
    }
  });
});
