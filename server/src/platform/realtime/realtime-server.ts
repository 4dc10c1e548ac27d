import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { Counter, Gauge, type Registry } from 'prom-client';
import { Server, type Namespace, type Socket } from 'socket.io';
import { z } from 'zod';
import type { Config } from '../../config.js';
import type { AppDatabase } from '../../db/client.js';
import type { AuditEventInput } from '../../modules/audit/audit-event.js';
import type { Actor } from '../access.js';
import { systemClock, type Clock } from '../clock.js';
import { createEventLog, type Broadcaster, type Room, type StoredEvent } from './event-log.js';
import { clientIp, cookiesOf, originAllowed, sessionTokenOf } from './handshake.js';
import {
  createTokenBuckets,
  defaultEventBudget,
  type EventBudget,
  type TokenBuckets,
} from './rate-limiter.js';
import { parseRoom, userRoom, type RoomAccess, type RoomAudit } from './room-access.js';

/**
 * The Socket.IO server (docs/realtime.md). Sockets authenticate with the HTTP session
 * cookie, are re-checked while connected, join `user:<id>` by themselves and other rooms
 * only when the room's owner module allows it; server events carry the event log's id so
 * clients resume after a reconnect and drop duplicates.
 */

export interface RealtimeServerOptions {
  /** How often every connected session is re-checked (revocation, expiry, idle logoff). */
  recheckIntervalMs?: number;
  /** Client events per person on this instance. */
  eventBudget?: EventBudget;
  /** Refused (rate-limited) events within one budget window that get a socket disconnected. */
  abuseLimit?: number;
  /** How long a dropped connection's rooms and missed events are kept for recovery. */
  recoveryWindowMs?: number;
  /** Rooms one socket may be in besides its own. */
  maxRoomsPerSocket?: number;
}

/** Errors a client event's acknowledgement may carry. */
export type RealtimeError =
  | 'invalid'
  | 'unknown-event'
  | 'forbidden'
  | 'rate-limited'
  | 'too-many-rooms'
  | 'session-ended'
  | 'unavailable';

export type RealtimeReply = ({ ok: true } & Record<string, unknown>) | RealtimeFailure;
type RealtimeFailure = { ok: false; error: RealtimeError };

/** What a client event's handler knows about the socket that sent it. */
export interface ClientEventContext {
  person: Actor;
  socketId: string;
  /** The rooms the socket is in (its own id and `user:<id>` included). */
  rooms: ReadonlySet<string>;
}

export type ClientEventHandler = (
  context: ClientEventContext,
  data: unknown,
) => Promise<RealtimeReply | undefined>;

type InternalHandler = (
  socket: Socket,
  state: SocketState,
  data: unknown,
) => Promise<RealtimeReply | undefined>;

export interface RealtimeServerDeps {
  httpServer: HttpServer;
  sessions: {
    resolve(token: string, options: { recordActivity?: boolean }): Promise<Actor | undefined>;
  };
  /**
   * A second credential: a video visit guest's cookie (no account), tried when the request
   * has no valid session. The owner module resolves it to an Actor with `guestOf` set and no
   * memberships, and is asked again at every re-check like a session.
   */
  guests?: {
    tokenOf(cookies: Record<string, string>): string | undefined;
    resolve(token: string): Promise<Actor | undefined>;
  };
  db: AppDatabase;
  redis?: Redis | undefined;
  log: FastifyBaseLogger;
  config: Pick<Config, 'corsOrigins' | 'trustProxy'>;
  roomAccess: RoomAccess;
  audit?: { record(events: AuditEventInput[]): Promise<void> } | undefined;
  clock?: Clock;
  /** The app's metrics registry (platform/metrics.ts). */
  metrics?: Registry;
  options?: RealtimeServerOptions;
}

/** At most this many events per `resume` answer; `more` says there are others. */
export const RESUME_PAGE = 500;
const HELD_BACK = 'heldBackPackets';

const roomRequest = z.object({ room: z.string().max(100) });
const resumeRequest = z.object({ since: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });

/** Why a socket was refused: the client's connect_error message. */
class SocketRefused extends Error {
  constructor(message: 'unauthorized' | 'origin-not-allowed' | 'unavailable') {
    super(message);
  }
}
const refusal = (message: ConstructorParameters<typeof SocketRefused>[0]) =>
  new SocketRefused(message);
const fail = (error: RealtimeError): RealtimeFailure => ({ ok: false, error });

/** An event as a client receives it, live or through `resume`. */
export function wireEvent(event: StoredEvent) {
  return {
    type: event.type,
    // The log's fields win over anything of the same name in the payload.
    data: { ...event.payload, eventId: event.id, room: event.room },
  };
}

/** Resolves a credential again (re-checks): the session service, or the guests' resolver. */
type Resolve = (token: string) => Promise<Actor | undefined>;

interface SocketState {
  person: Actor;
  sessionId: string;
  /** The session cookie's token (re-checks); only ever in memory, never in socket.data. */
  token: string;
  resolve: Resolve;
  clientIp: string | undefined;
  userAgent: string | undefined;
  /** Client events run one after another, in the order they arrived. */
  queue: Promise<void>;
  /** When this socket's recent events were refused for exceeding the budget. */
  refusedAt: number[];
}

interface TrackedSession {
  token: string;
  resolve: Resolve;
  userId: string;
  sockets: Set<Socket>;
  /** Memberships as last seen: a change re-checks every room the sockets are in. */
  membershipsKey: string;
  checking?: Promise<boolean> | undefined;
}

const membershipsKey = (person: Actor) =>
  person.memberships
    .map((m) => `${m.organizationId}/${m.role}`)
    .sort()
    .join(',');

export function createRealtimeServer(deps: RealtimeServerDeps) {
  const { sessions, roomAccess, audit, config } = deps;
  const log = deps.log.child({ component: 'realtime' });
  const clock = deps.clock ?? systemClock;
  const options = deps.options ?? {};
  const recheckIntervalMs = options.recheckIntervalMs ?? 30_000;
  const budget = options.eventBudget ?? defaultEventBudget;
  const abuseLimit = options.abuseLimit ?? 10;
  const maxRooms = options.maxRoomsPerSocket ?? 100;
  const eventLog = createEventLog(deps.db);
  const buckets = createTokenBuckets(budget);
  /** Buckets of events with a budget of their own (signaling's bursts of ICE candidates). */
  const ownBuckets: TokenBuckets[] = [];
  const states = new WeakMap<Socket, SocketState>();
  const pendingHeldBack = new WeakMap<Socket, unknown[][]>();
  const tracked = new Map<string, TrackedSession>();
  /** Sockets per person on this instance: their event budget is dropped with the last. */
  const socketsPerUser = new Map<string, number>();
  const handlers = new Map<
    string,
    { run: InternalHandler; buckets: TokenBuckets; budget: EventBudget }
  >();
  const builtIn = (event: string, run: InternalHandler) =>
    handlers.set(event, { run, buckets, budget });
  const adapterClient = deps.redis ? adapterConnection(deps.redis) : undefined;

  const io = new Server(deps.httpServer, {
    path: '/socket.io',
    serveClient: false,
    // WebSocket only: its handshake always carries Origin (a same-origin polling GET does
    // not), and without long-polling no load balancer needs sticky sessions.
    transports: ['websocket'],
    maxHttpBufferSize: 100_000,
    connectionStateRecovery: {
      maxDisconnectionDuration: options.recoveryWindowMs ?? 2 * 60_000,
      // A recovered socket is authenticated again like a new one.
      skipMiddlewares: false,
    },
    ...(adapterClient ? { adapter: redisStreamsAdapter(adapterClient) } : {}),
  });
  const nsp = io.of('/');
  holdBackMissedPackets(nsp);

  const metrics = deps.metrics ? realtimeMetrics(deps.metrics, nsp) : undefined;

  // --- connecting ------------------------------------------------------------------------

  io.use((socket, next) => {
    authenticate(socket).then(
      () => next(),
      (err: unknown) => {
        if (!(err instanceof SocketRefused)) {
          log.error({ err }, 'realtime: authenticating a socket failed');
        }
        const refused = err instanceof SocketRefused ? err : refusal('unavailable');
        metrics?.refused.inc({ reason: refused.message });
        next(refused);
      },
    );
  });

  async function authenticate(socket: Socket) {
    const request = socket.request;
    const heldBack = takeHeldBack(socket);
    if (!originAllowed(request, config.corsOrigins, config.trustProxy)) {
      throw refusal('origin-not-allowed');
    }
    const credential = await identify(request);
    if (!credential) throw refusal('unauthorized');
    const { person, token, resolve } = credential;

    if (socket.recovered) await reauthorizeRecovered(socket, person, heldBack);
    socket.data = { userId: person.userId, sessionId: person.sessionId };
    const userAgent = request.headers['user-agent'];
    states.set(socket, {
      person,
      sessionId: person.sessionId,
      token,
      resolve,
      clientIp: clientIp(request, config.trustProxy),
      userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 300) : undefined,
      queue: Promise.resolve(),
      refusedAt: [],
    });
    pendingHeldBack.set(socket, heldBack);
  }

  // Connecting is not activity: a page left open must not keep an idle session alive.
  const resolveSession: Resolve = (token) => sessions.resolve(token, { recordActivity: false });

  /** Who opens the socket: a signed-in person, else a visit guest, else nobody. */
  async function identify(request: Socket['request']) {
    const token = sessionTokenOf(request);
    const person = token ? await resolveSession(token) : undefined;
    if (token && person?.stage === 'complete') return { person, token, resolve: resolveSession };
    const guests = deps.guests;
    const guestToken = guests?.tokenOf(cookiesOf(request));
    if (!guests || !guestToken) return undefined;
    const resolveGuest: Resolve = (t) => guests.resolve(t);
    const guest = await resolveGuest(guestToken);
    if (guest?.stage !== 'complete' || !guest.guestOf) return undefined;
    return { person: guest, token: guestToken, resolve: resolveGuest };
  }

  /**
   * A recovered socket comes back with its rooms and the events it missed. Rooms are kept
   * only while the person may still join them (another person signing in at the same
   * browser keeps none), and missed events only for the rooms kept.
   */
  async function reauthorizeRecovered(socket: Socket, person: Actor, heldBack: unknown[][]) {
    const previous = socket.data as { userId?: unknown } | undefined;
    const samePerson = previous?.userId === person.userId;
    for (const room of [...socket.rooms]) {
      if (room === socket.id || (samePerson && room === userRoom(person.userId))) continue;
      if (!samePerson || !(await roomAccess.mayJoin(person, room)).allowed) {
        await socket.leave(room);
      }
    }
    if (!samePerson) heldBack.length = 0;
  }

  io.on('connection', (socket) => {
    const state = states.get(socket);
    if (!state) {
      socket.disconnect(true);
      return;
    }
    void socket.join(userRoom(state.person.userId));
    const userId = state.person.userId;
    socketsPerUser.set(userId, (socketsPerUser.get(userId) ?? 0) + 1);
    const session = tracked.get(state.sessionId) ?? {
      token: state.token,
      resolve: state.resolve,
      userId,
      sockets: new Set<Socket>(),
      membershipsKey: membershipsKey(state.person),
    };
    tracked.set(state.sessionId, session);
    session.sockets.add(socket);
    log.debug(
      { userId: state.person.userId, socketId: socket.id, recovered: socket.recovered },
      'realtime: socket connected',
    );
    redeliver(socket, pendingHeldBack.get(socket) ?? []);
    pendingHeldBack.delete(socket);

    // Every client event goes through here; socket.io's own dispatch is never used, so a
    // handler registered later reaches sockets connected earlier.
    socket.use((packet) => {
      receive(socket, state, packet);
    });
    socket.on('disconnect', (reason) => {
      session.sockets.delete(socket);
      if (session.sockets.size === 0 && tracked.get(state.sessionId) === session) {
        tracked.delete(state.sessionId);
      }
      const left = (socketsPerUser.get(userId) ?? 1) - 1;
      if (left > 0) socketsPerUser.set(userId, left);
      else {
        socketsPerUser.delete(userId);
        for (const set of [buckets, ...ownBuckets]) set.forget(userId);
      }
      log.debug(
        { userId: state.person.userId, socketId: socket.id, reason },
        'realtime: socket disconnected',
      );
    });
  });

  /** Missed events of a recovered socket, for the rooms it is still in. */
  function redeliver(socket: Socket, packets: unknown[][]) {
    for (const packet of packets) {
      const [type, data] = packet;
      const room = (data as { room?: unknown } | undefined)?.room;
      if (typeof type !== 'string' || typeof room !== 'string' || !socket.rooms.has(room)) {
        continue;
      }
      socket.emit(type, data);
    }
  }

  // --- client events -----------------------------------------------------------------------

  function receive(socket: Socket, state: SocketState, packet: unknown[]) {
    const args = [...packet];
    const event = args.shift();
    const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as Ack) : undefined;
    const reply = (answer: RealtimeReply) => {
      if (ack && socket.connected) ack(answer);
    };

    const handler = typeof event === 'string' ? handlers.get(event) : undefined;
    if (!(handler?.buckets ?? buckets).take(state.person.userId)) {
      metrics?.refused.inc({ reason: 'rate-limited' });
      reply(fail('rate-limited'));
      const now = performance.now();
      const windowMs = (handler?.budget ?? budget).refillMs;
      state.refusedAt = state.refusedAt.filter((t) => now - t < windowMs);
      state.refusedAt.push(now);
      if (state.refusedAt.length >= abuseLimit) {
        log.warn(
          { userId: state.person.userId, socketId: socket.id },
          'realtime: socket disconnected for exceeding its event budget',
        );
        socket.disconnect(true);
      }
      return;
    }
    if (!handler) {
      reply(fail('unknown-event'));
      return;
    }

    state.queue = state.queue
      .then(async () => {
        if (!socket.connected) return;
        // Each event re-checks the session (without counting as activity).
        if (!(await checkSession(state.sessionId))) {
          reply(fail('session-ended'));
          return;
        }
        reply((await handler.run(socket, state, args[0])) ?? { ok: true });
      })
      .catch((err: unknown) => {
        log.error({ err, event }, 'realtime: a client event failed');
        reply(fail('unavailable'));
      });
  }

  builtIn('subscribe', async (socket, state, data) => {
    const parsed = roomRequest.safeParse(data);
    const room = parsed.success ? parsed.data.room : undefined;
    if (!room || !parseRoom(room)) return fail('invalid');
    if (socket.rooms.has(room)) return { ok: true };
    if (socket.rooms.size - 1 >= maxRooms) return fail('too-many-rooms');

    const decision = await roomAccess.mayJoin(state.person, room);
    if (!decision.allowed) {
      metrics?.refused.inc({ reason: 'forbidden' });
      if (decision.audit) {
        audit?.record([auditEvent(socket, state, decision.audit, 'denied')]).catch((err) => {
          log.error({ err }, 'realtime: audit event not written');
        });
      }
      return fail('forbidden');
    }
    if (decision.audit && audit) {
      // Like a read route: no audit event, no data.
      try {
        await audit.record([auditEvent(socket, state, decision.audit, 'allowed')]);
      } catch (err) {
        log.error({ err }, 'realtime: audit trail unavailable: room not joined');
        return fail('unavailable');
      }
    }
    if (!socket.connected) return fail('session-ended');
    await socket.join(room);
    return { ok: true };
  });

  builtIn('unsubscribe', async (socket, state, data) => {
    const parsed = roomRequest.safeParse(data);
    const room = parsed.success ? parsed.data.room : undefined;
    // A person's own room carries what every page needs (unread counts, their threads).
    if (!room || room === userRoom(state.person.userId)) return fail('invalid');
    if (room !== socket.id) await socket.leave(room);
    return { ok: true };
  });

  builtIn('resume', async (socket, _state, data) => {
    const parsed = resumeRequest.safeParse(data);
    if (!parsed.success) return fail('invalid');
    const rooms = [...socket.rooms].filter((r) => r !== socket.id) as Room[];
    const events = await eventLog.since(rooms, parsed.data.since, RESUME_PAGE + 1);
    return {
      ok: true,
      events: events.slice(0, RESUME_PAGE).map(wireEvent),
      more: events.length > RESUME_PAGE,
    };
  });

  function auditEvent(
    socket: Socket,
    state: SocketState,
    room: RoomAudit,
    outcome: 'allowed' | 'denied',
  ): AuditEventInput {
    const person = state.person;
    const role =
      room.role ??
      person.memberships.find(
        (m) => !room.organizationId || m.organizationId === room.organizationId,
      )?.role;
    return {
      occurredAt: clock.now(),
      actorUserId: person.userId,
      actorRole: role,
      organizationId: room.organizationId,
      sessionId: person.sessionId,
      action: 'read',
      resourceType: room.resourceType,
      resourceId: room.resourceId,
      patientId: room.patientId,
      outcome,
      basis: room.basis,
      clientIp: state.clientIp,
      userAgent: state.userAgent,
      requestId: `socket:${socket.id}`,
    };
  }

  // --- session re-checks ------------------------------------------------------------------

  /** Re-checks one session (coalescing concurrent checks); false once it has ended. */
  function checkSession(sessionId: string): Promise<boolean> {
    const session = tracked.get(sessionId);
    if (!session) return Promise.resolve(false);
    session.checking ??= (async () => {
      const person = await session.resolve(session.token);
      if (!person || person.stage !== 'complete' || person.sessionId !== sessionId) {
        endSession(sessionId, session);
        return false;
      }
      const key = membershipsKey(person);
      const rolesChanged = key !== session.membershipsKey;
      session.membershipsKey = key;
      for (const socket of session.sockets) {
        const state = states.get(socket);
        if (state) state.person = person;
        if (rolesChanged) await reauthorizeRooms(socket, person);
      }
      return true;
    })().finally(() => {
      session.checking = undefined;
    });
    return session.checking;
  }

  /** After a change of roles: leaves the rooms the person may no longer be in. */
  async function reauthorizeRooms(socket: Socket, person: Actor) {
    for (const room of [...socket.rooms]) {
      if (room === socket.id || room === userRoom(person.userId)) continue;
      if (!(await roomAccess.mayJoin(person, room)).allowed) {
        await socket.leave(room);
        socket.emit('room-left', { room });
      }
    }
  }

  function endSession(sessionId: string, session: TrackedSession) {
    tracked.delete(sessionId);
    log.info(
      { userId: session.userId, sessionId, sockets: session.sockets.size },
      'realtime: session ended, disconnecting its sockets',
    );
    for (const socket of session.sockets) {
      metrics?.refused.inc({ reason: 'session-ended' });
      // Written straight to this socket (not through the adapter, which may first round-trip
      // to Redis): it must go out before the disconnect below.
      io.local.to(socket.id).emit('session-ended', {});
      socket.disconnect(true);
    }
  }

  let rechecking = false;
  async function recheckAll() {
    if (rechecking) return;
    rechecking = true;
    try {
      const ids = [...tracked.keys()];
      // A few at a time: one query each, spread so a large instance does not burst.
      for (let i = 0; i < ids.length; i += 8) {
        await Promise.all(
          ids.slice(i, i + 8).map((id) =>
            checkSession(id).catch((err: unknown) => {
              // The database being away is not a reason to drop everyone; next round again.
              log.warn({ err }, 'realtime: session re-check failed');
            }),
          ),
        );
      }
    } finally {
      rechecking = false;
    }
  }
  const recheckTimer = setInterval(() => void recheckAll(), recheckIntervalMs);
  recheckTimer.unref();

  // --- the server's side ----------------------------------------------------------------

  const server = {
    io,

    /** Sends stored events to their rooms on every instance, in id order. */
    broadcast(events: StoredEvent[]) {
      for (const event of [...events].sort((a, b) => a.id - b.id)) {
        const wire = wireEvent(event);
        try {
          io.to(event.room).emit(wire.type, wire.data);
          metrics?.broadcasts.inc({ room_kind: parseRoom(event.room)?.kind ?? 'invalid' });
        } catch (err) {
          // e.g. a reserved event name: a programming error, never worth a failed request.
          log.error({ err, eventId: event.id, type: event.type }, 'realtime: broadcast failed');
        }
      }
    },

    /**
     * Adds a client event (issue 8: `signal`). It gets the rate limit, the session re-check
     * and in-order delivery like the built-in ones; what it answers is the acknowledgement.
     * `budget`: a budget of its own instead of sharing the default one.
     */
    handle(
      event: string,
      handler: ClientEventHandler,
      handleOptions: { budget?: EventBudget } = {},
    ) {
      if (handlers.has(event)) throw new Error(`realtime event "${event}" is already handled`);
      const own = handleOptions.budget && createTokenBuckets(handleOptions.budget);
      if (own) ownBuckets.push(own);
      handlers.set(event, {
        run: (socket, state, data) =>
          handler({ person: state.person, socketId: socket.id, rooms: socket.rooms }, data),
        buckets: own ?? buckets,
        budget: handleOptions.budget ?? budget,
      });
    },

    /**
     * Sends an event that is not in the event log (signaling) to a room or one socket, on
     * any instance. `volatile`: dropped rather than queued or replayed after a reconnect.
     */
    emit(
      target: string,
      type: string,
      payload: Record<string, unknown>,
      emitOptions: { exceptSocket?: string; volatile?: boolean } = {},
    ) {
      let operator = io.to(target);
      if (emitOptions.exceptSocket) operator = operator.except(emitOptions.exceptSocket);
      if (emitOptions.volatile) operator = operator.volatile;
      operator.emit(type, payload);
    },

    /** Takes everyone (or one person) out of a room, on every instance: access changed. */
    removeFromRoom(room: string, userId?: string) {
      io.in(userId ? userRoom(userId) : room).socketsLeave(room);
    },

    /**
     * Ends a person's (or a visit guest's) sockets on every instance now, as a re-check
     * would: `session-ended`, then the disconnect. Their access was just taken away.
     */
    disconnectPerson(userId: string) {
      io.to(userRoom(userId)).emit('session-ended', {});
      io.in(userRoom(userId)).disconnectSockets(true);
    },

    /** Re-checks every connected session now (tests; the timer does it periodically). */
    recheckSessions: recheckAll,

    /**
     * Stops accepting sockets and drops those connected. They come back on another
     * instance (or this one, restarted) and recover their rooms there through Redis.
     */
    async close() {
      clearInterval(recheckTimer);
      io.engine.close();
      await Promise.resolve(nsp.adapter.close()).catch(() => undefined);
      // quit, not disconnect: the sessions just persisted for recovery must reach Redis
      // (unless it is away, when waiting would only delay the shutdown).
      if (adapterClient?.status === 'ready') {
        await adapterClient.quit().catch(() => adapterClient.disconnect());
      } else adapterClient?.disconnect();
    },
  };
  return server satisfies Broadcaster;
}

export type RealtimeServer = ReturnType<typeof createRealtimeServer>;

type Ack = (answer: RealtimeReply) => void;

/**
 * The adapter's own connection: unlike the app's client (which fails fast when Redis is
 * away), it queues while reconnecting, so the adapter's read loop waits instead of spinning.
 */
function adapterConnection(redis: Redis): Redis {
  const client = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: 2 });
  client.on('error', () => {
    // The app's own client reports Redis being unreachable (platform/redis.ts).
  });
  return client;
}

function redisStreamsAdapter(client: Redis) {
  // Keys get the client's prefix from ioredis; pub/sub channels do not, so add it here.
  const prefix = client.options.keyPrefix ?? '';
  return createAdapter(client, {
    streamName: 'openvisit:socket.io',
    channelPrefix: `${prefix}openvisit:socket.io`,
    sessionKeyPrefix: 'openvisit:socket.io-session:',
    // Recovery needs the offset a client last saw to still be in the stream.
    maxLen: 50_000,
    blockTimeInMs: 2_000,
    onlyPlaintext: true,
  });
}

/**
 * Socket.IO hands a recovered socket its missed packets before any middleware has run;
 * they are held back until the socket has authenticated again (see redeliver).
 */
function holdBackMissedPackets(nsp: Namespace) {
  const adapter = nsp.adapter;
  const restore = adapter.restoreSession.bind(adapter);
  adapter.restoreSession = async (pid, offset) => {
    const session = await restore(pid, offset);
    if (!session) return session;
    const data = (session.data ?? {}) as Record<string, unknown>;
    return { ...session, data: { ...data, [HELD_BACK]: session.missedPackets }, missedPackets: [] };
  };
}

function takeHeldBack(socket: Socket): unknown[][] {
  const data = socket.data as Record<string, unknown> | undefined;
  const held = data?.[HELD_BACK];
  if (data) delete data[HELD_BACK];
  return Array.isArray(held) ? (held as unknown[][]) : [];
}

function realtimeMetrics(registry: Registry, nsp: Namespace) {
  new Gauge({
    name: 'openvisit_realtime_sockets',
    help: 'Socket.IO connections open on this instance',
    registers: [registry],
    collect() {
      this.set(nsp.sockets.size);
    },
  });
  return {
    broadcasts: new Counter({
      name: 'openvisit_realtime_broadcasts_total',
      help: 'Events broadcast to realtime rooms, by room kind',
      labelNames: ['room_kind'] as const,
      registers: [registry],
    }),
    refused: new Counter({
      name: 'openvisit_realtime_refused_total',
      help: 'Sockets and client events refused, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
  };
}
