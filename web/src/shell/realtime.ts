import { useEffect, useRef, useSyncExternalStore } from 'react';
import {
  useQueryClient,
  type InvalidateQueryFilters,
  type QueryClient,
} from '@tanstack/react-query';
import { io, type Socket } from 'socket.io-client';
import { sessionQueryKey, useSession } from '../auth/session';

/*
 * The page's realtime connection (docs/realtime.md): one Socket.IO socket per tab, opened
 * once a signed-in page needs a room, WebSocket only, authenticated by the session cookie
 * (or, on a visit guest's page, which has no session, by the guest's cookie).
 * On every connect it subscribes to the rooms the mounted components hold, then resumes
 * from the last event id it handled; events are delivered once (deduplicated by id) to the
 * listeners registered with `realtime.on`.
 *
 * Completeness: a page's data is complete when it was fetched after the room it depends on
 * was joined, and every event of the room since has been handled. `fetchLive` stamps data
 * with the room's "live mark"; a join not covered by a resume (a first join, a reconnect
 * whose resume could not fill the gap) gives the room a new mark, and `onRoomLive`
 * listeners refetch data stamped with another one.
 */

export type ConnectionStatus = 'off' | 'connecting' | 'live' | 'reconnecting' | 'paused';

/** An event as the server sends it: its payload with `eventId` and `room`. */
export interface RealtimeEvent {
  type: string;
  eventId: number;
  room: string;
  data: Record<string, unknown>;
}

type Reply = { ok: true; [key: string]: unknown } | { ok: false; error: string };

interface RoomEntry {
  holders: number;
  joined: boolean;
  joining: boolean;
  /** The server refused it (forbidden, invalid, too many): not asked again until re-held. */
  refused: boolean;
  /** Events of the room are complete from the join with this mark (undefined: not live). */
  liveSince: number | undefined;
  releaseTimer: ReturnType<typeof setTimeout> | undefined;
  waiters: Set<() => void>;
}

const ACK_TIMEOUT_MS = 10_000;
/** A resume answers at most 500 events; past this many pages, refetching is cheaper. */
const RESUME_PAGES_MAX = 20;
/** A room let go is left a little later: StrictMode and list ↔ thread navigation re-take it. */
const RELEASE_DELAY_MS = 5_000;
const SEEN_MAX = 5_000;
/** How long a first fetch waits for its room to be joined, so it needs no second fetch. */
const JOIN_WAIT_MS = 2_000;
/** Refusals in a row (server unavailable) before the client pauses until the person is back. */
const REFUSALS_MAX = 20;
const JOIN_ATTEMPTS = 4;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const backoffMs = (attempt: number) =>
  Math.min(30_000, 1_000 * 2 ** Math.max(0, attempt - 1)) * (0.5 + Math.random());

export class RealtimeClient {
  private socket: Socket | undefined;
  private sessionId: string | undefined;
  private onSessionEnded: (() => void) | undefined;
  private readonly rooms = new Map<string, RoomEntry>();
  private readonly handlers = new Map<string, Set<(event: RealtimeEvent) => void>>();
  private readonly transientHandlers = new Map<
    string,
    Set<(data: Record<string, unknown>) => void>
  >();
  private readonly liveListeners = new Set<(room: string, mark: number) => void>();
  private readonly statusListeners = new Set<() => void>();
  private readonly seen = new Set<number>();
  private highest: number | undefined;
  private generation = 0;
  private refusals = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private status: ConnectionStatus = 'off';

  /**
   * Whose connection this is: the signed-in session's id, or a visit guest's key (their page
   * follows it instead of the layout). Undefined: nobody. A new one gets a new socket.
   */
  follow(sessionId: string | undefined, onSessionEnded: () => void) {
    this.onSessionEnded = onSessionEnded;
    if (sessionId === this.sessionId) return;
    this.close();
    this.sessionId = sessionId;
    this.ensureSocket();
  }

  /** A component needs `room` (reference-counted); the socket opens with the first. */
  acquire(name: string) {
    let room = this.rooms.get(name);
    if (!room) {
      room = {
        holders: 0,
        joined: false,
        joining: false,
        refused: false,
        liveSince: undefined,
        releaseTimer: undefined,
        waiters: new Set(),
      };
      this.rooms.set(name, room);
    }
    clearTimeout(room.releaseTimer);
    room.releaseTimer = undefined;
    room.holders += 1;
    if (room.holders === 1) room.refused = false;
    if (!this.socket) this.ensureSocket();
    else if (this.status === 'paused') this.wake();
    else if (this.socket.connected) void this.joinAndMark(this.socket, name);
  }

  release(name: string) {
    const room = this.rooms.get(name);
    if (!room || room.holders === 0) return;
    room.holders -= 1;
    if (room.holders > 0) return;
    room.releaseTimer = setTimeout(() => {
      if (room.holders > 0 || this.rooms.get(name) !== room) return;
      this.rooms.delete(name);
      this.settle(room);
      const socket = this.socket;
      // A person's own room cannot be left (the server answers `invalid`).
      if (room.joined && socket?.connected && !name.startsWith('user:')) {
        void this.ask(socket, 'unsubscribe', { room: name });
      }
    }, RELEASE_DELAY_MS);
  }

  /** Calls `listener` once for each event of `type`, live or resumed. */
  on(type: string, listener: (event: RealtimeEvent) => void): () => void {
    const set = this.handlers.get(type) ?? new Set();
    set.add(listener);
    this.handlers.set(type, set);
    return () => {
      set.delete(listener);
    };
  }

  /** Called when a room gets a new live mark: data stamped with another may lack events. */
  onRoomLive(listener: (room: string, mark: number) => void): () => void {
    this.liveListeners.add(listener);
    return () => {
      this.liveListeners.delete(listener);
    };
  }

  /** The mark data fetched now is complete from (undefined: the room is not live). */
  liveMark(name: string): number | undefined {
    return this.rooms.get(name)?.liveSince;
  }

  /**
   * Waits (briefly) for a held room that is about to be joined, and answers its mark. A room
   * that cannot be joined soon (no session, refused, reconnecting) answers at once.
   */
  async whenLive(name: string): Promise<number | undefined> {
    // The component that holds the room takes it in an effect: let that run first.
    await sleep(0);
    const room = this.rooms.get(name);
    const expected =
      room &&
      room.holders > 0 &&
      !room.refused &&
      room.liveSince === undefined &&
      this.socket !== undefined &&
      (this.status === 'connecting' || this.status === 'live');
    if (!expected) return room?.liveSince;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        room.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, JOIN_WAIT_MS);
      room.waiters.add(done);
    });
    return room.liveSince;
  }

  /**
   * Sends a client event that is not a room event (a visit's WebRTC `signal`): answered by the
   * server's ack, undefined when there is no connection or no answer.
   */
  async send(event: string, data: unknown): Promise<Reply | undefined> {
    const socket = this.socket;
    if (!socket?.connected) return undefined;
    return this.ask(socket, event, data);
  }

  /** Calls `listener` for each transient event of `type` (relayed live, never logged or resumed). */
  onTransient(type: string, listener: (data: Record<string, unknown>) => void): () => void {
    const set = this.transientHandlers.get(type) ?? new Set();
    set.add(listener);
    this.transientHandlers.set(type, set);
    return () => {
      set.delete(listener);
    };
  }

  getStatus = (): ConnectionStatus => this.status;

  subscribeStatus = (listener: () => void): (() => void) => {
    this.statusListeners.add(listener);
    return () => {
      this.statusListeners.delete(listener);
    };
  };

  /** The person is back (or the network is): try again now after giving up. */
  wake() {
    const socket = this.socket;
    if (!socket || socket.connected || this.status !== 'paused') return;
    this.refusals = 0;
    this.setStatus('reconnecting');
    socket.connect();
  }

  // --- the socket -----------------------------------------------------------------------

  private ensureSocket() {
    if (this.socket || !this.sessionId) return;
    if (![...this.rooms.values()].some((room) => room.holders > 0)) return;
    const socket = io({
      path: '/socket.io',
      // The server offers WebSocket only (its handshake always carries Origin).
      transports: ['websocket'],
      // A fresh manager per session: never a connection opened with another person's cookie.
      forceNew: true,
      autoConnect: false,
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 30_000,
      reconnectionAttempts: 120,
      timeout: 10_000,
    });
    this.socket = socket;
    socket.on('connect', () => {
      if (socket !== this.socket) return;
      this.refusals = 0;
      this.setStatus('live');
      void this.synchronise(socket);
    });
    socket.on('connect_error', (error: Error) => this.refused(socket, error));
    socket.on('disconnect', (reason: string) => this.dropped(socket, reason));
    socket.on('session-ended', () => {
      if (socket === this.socket) this.onSessionEnded?.();
    });
    socket.on('room-left', (data: { room?: unknown }) => {
      const room = typeof data?.room === 'string' ? this.rooms.get(data.room) : undefined;
      if (!room) return;
      room.joined = false;
      room.refused = true;
      room.liveSince = undefined;
      // Whatever depended on it is refetched (and now answers 403/404).
      for (const listener of this.liveListeners) listener(data.room as string, ++this.generation);
    });
    socket.onAny((type: string, data: unknown) => {
      if (socket !== this.socket) return;
      const transient = this.transientHandlers.get(type);
      if (transient && data && typeof data === 'object') {
        for (const listener of transient) {
          try {
            listener(data as Record<string, unknown>);
          } catch {
            // As for room events: one screen's bug must not keep it from the others.
          }
        }
        return;
      }
      this.receive(type, data);
    });
    socket.io.on('reconnect_failed', () => {
      if (socket === this.socket) this.pause();
    });
    this.setStatus('connecting');
    socket.connect();
  }

  private close() {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.offAny();
      socket.removeAllListeners();
      socket.io.removeAllListeners();
      socket.disconnect();
    }
    // What this person's socket saw means nothing for the next one.
    this.seen.clear();
    this.highest = undefined;
    for (const room of this.rooms.values()) {
      room.joined = false;
      room.joining = false;
      room.refused = false;
      room.liveSince = undefined;
      this.settle(room);
    }
    this.setStatus('off');
  }

  private refused(socket: Socket, error: Error) {
    if (socket !== this.socket) return;
    this.settleAll();
    // A network failure: the manager retries by itself, with backoff.
    if (socket.active) {
      this.setStatus('reconnecting');
      return;
    }
    // The server refused the socket; Socket.IO does not retry a refusal by itself.
    if (error.message === 'origin-not-allowed') {
      // A deployment mistake (CORS_ORIGINS, TRUST_PROXY): retrying cannot help.
      this.pause();
      return;
    }
    // `unauthorized`: the session may have ended; the app's own path decides (sign-in page).
    // Asked once per run of refusals: asking for the session is activity when it is alive.
    if (error.message === 'unauthorized' && this.refusals === 0) this.onSessionEnded?.();
    this.retryLater(socket);
  }

  private dropped(socket: Socket, reason: string) {
    if (socket !== this.socket) return;
    for (const room of this.rooms.values()) {
      room.joined = false;
      room.joining = false;
    }
    this.settleAll();
    if (reason === 'io client disconnect') return;
    if (socket.active) {
      this.setStatus('reconnecting');
      return;
    }
    // The server closed it (session ended, or too many events): try again later; a session
    // that has ended is refused, and signing out closes this socket for good.
    this.retryLater(socket);
  }

  private retryLater(socket: Socket) {
    this.refusals += 1;
    if (this.refusals > REFUSALS_MAX) {
      this.pause();
      return;
    }
    this.setStatus('reconnecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (socket === this.socket && !socket.connected) socket.connect();
    }, backoffMs(this.refusals));
  }

  private pause() {
    this.setStatus('paused');
  }

  private setStatus(status: ConnectionStatus) {
    if (status === this.status) return;
    this.status = status;
    for (const listener of this.statusListeners) listener();
  }

  // --- rooms, resume, events ------------------------------------------------------------

  /** After every connect: join the held rooms, then resume from the last event handled. */
  private async synchronise(socket: Socket) {
    const since = this.highest;
    const held = [...this.rooms].filter(([, room]) => room.holders > 0);
    const wasLive = new Set(
      held.filter(([, room]) => room.liveSince !== undefined).map(([n]) => n),
    );
    const joined = await Promise.all(held.map(([name]) => this.join(socket, name)));
    if (socket !== this.socket || !socket.connected) return;
    // Without an event seen there is nothing to resume from (since 0 is the whole log).
    const covered = since !== undefined && (await this.resume(socket, since));
    if (socket !== this.socket) return;
    held.forEach(([name, room], index) => {
      if (!joined[index] || this.rooms.get(name) !== room) return;
      if (!(covered && wasLive.has(name) && room.liveSince !== undefined)) this.mark(name, room);
      this.settle(room);
    });
  }

  private async joinAndMark(socket: Socket, name: string) {
    const room = this.rooms.get(name);
    if (!room || room.joined || room.joining || room.refused) return;
    if (await this.join(socket, name)) {
      if (this.rooms.get(name) === room) this.mark(name, room);
    }
    this.settle(room);
  }

  private async join(socket: Socket, name: string): Promise<boolean> {
    const room = this.rooms.get(name);
    if (!room || room.joining) return false;
    if (room.joined) return true;
    room.joining = true;
    try {
      for (let attempt = 1; attempt <= JOIN_ATTEMPTS; attempt += 1) {
        if (socket !== this.socket || !socket.connected || room.holders === 0) return false;
        const reply = await this.ask(socket, 'subscribe', { room: name });
        if (reply?.ok) {
          room.joined = socket === this.socket && socket.connected;
          return room.joined;
        }
        const error = reply?.ok === false ? reply.error : undefined;
        if (error === 'forbidden' || error === 'invalid' || error === 'too-many-rooms') {
          room.refused = true;
          return false;
        }
        // Session ended (handled by ask) or the socket dropped: the next connect joins again.
        if (error === 'session-ended' || !socket.connected) return false;
        // rate-limited, unavailable, or no answer in time
        await sleep(backoffMs(attempt));
      }
      return false;
    } finally {
      room.joining = false;
    }
  }

  /** Replays what this socket's rooms missed since `since`; false when it could not. */
  private async resume(socket: Socket, since: number): Promise<boolean> {
    let cursor = since;
    for (let page = 0; page < RESUME_PAGES_MAX; page += 1) {
      const reply = await this.ask(socket, 'resume', { since: cursor });
      if (!reply?.ok) return false;
      const events = Array.isArray(reply.events) ? (reply.events as unknown[]) : [];
      for (const item of events) {
        const { type, data } = (item ?? {}) as { type?: unknown; data?: unknown };
        if (typeof type !== 'string') continue;
        this.receive(type, data);
        const eventId = (data as { eventId?: unknown } | undefined)?.eventId;
        if (typeof eventId === 'number') cursor = Math.max(cursor, eventId);
      }
      if (reply.more !== true) return true;
    }
    return false;
  }

  private async ask(socket: Socket, event: string, data: unknown): Promise<Reply | undefined> {
    try {
      const reply = (await socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, data)) as Reply;
      if (reply?.ok === false && reply.error === 'session-ended' && socket === this.socket) {
        this.onSessionEnded?.();
      }
      return reply;
    } catch {
      return undefined;
    }
  }

  private receive(type: string, data: unknown) {
    if (!data || typeof data !== 'object') return;
    const payload = data as Record<string, unknown>;
    const { eventId, room } = payload;
    if (typeof eventId !== 'number' || typeof room !== 'string') return;
    // Recovery, resume and live delivery overlap: each event is handled once.
    if (this.seen.has(eventId)) return;
    this.seen.add(eventId);
    if (this.seen.size > SEEN_MAX) {
      let drop = this.seen.size - SEEN_MAX + 500;
      for (const id of this.seen) {
        if (drop-- <= 0) break;
        this.seen.delete(id);
      }
    }
    this.highest = Math.max(this.highest ?? 0, eventId);
    for (const listener of this.handlers.get(type) ?? []) {
      try {
        listener({ type, eventId, room, data: payload });
      } catch {
        // One screen's bug must not keep the event from the others.
      }
    }
  }

  private mark(name: string, room: RoomEntry) {
    room.liveSince = ++this.generation;
    for (const listener of this.liveListeners) listener(name, room.liveSince);
  }

  private settle(room: RoomEntry) {
    for (const waiter of [...room.waiters]) waiter();
  }

  private settleAll() {
    for (const room of this.rooms.values()) this.settle(room);
  }
}

/** The tab's one realtime client. */
export const realtime = new RealtimeClient();

/** Data fetched for a room, stamped with the live mark it is complete from. */
export type LiveData<T> = T & { liveSince: number | undefined };

/** Fetches once `room` is live (or will not be soon) and stamps the answer with its mark. */
export async function fetchLive<T extends object>(
  room: string,
  load: () => Promise<T>,
): Promise<LiveData<T>> {
  const liveSince = await realtime.whenLive(room);
  return { ...(await load()), liveSince };
}

/** Whether data stamped by `fetchLive` still has every event of its room. */
export const isCurrent = (data: unknown, mark: number) =>
  (data as { liveSince?: unknown } | undefined)?.liveSince === mark;

/**
 * Connects the signed-in session (mounted once, in the layout). A `session-ended` event or a
 * refused socket asks for the session again: the app's 401 path then signs the page out
 * (and the idle watcher says why).
 */
export function RealtimeSession(): null {
  const sessionState = useSession();
  const queryClient = useQueryClient();
  const sessionId =
    sessionState.status === 'signed-in' ? sessionState.session.session.id : undefined;
  useEffect(() => {
    realtime.follow(sessionId, () => {
      void queryClient.invalidateQueries({ queryKey: sessionQueryKey, exact: true });
    });
  }, [sessionId, queryClient]);
  useEffect(() => installPresence(queryClient), [queryClient]);
  return null;
}

/** Holds `room` while the component is mounted (undefined: none). */
export function useRealtimeRoom(room: string | undefined) {
  useEffect(() => {
    if (!room) return;
    realtime.acquire(room);
    return () => realtime.release(room);
  }, [room]);
}

/** Calls the latest `listener` for each event of `type` while mounted. */
export function useRealtimeEvent(type: string, listener: (event: RealtimeEvent) => void) {
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => realtime.on(type, (event) => latest.current(event)), [type]);
}

export function useRealtimeStatus(): ConnectionStatus {
  return useSyncExternalStore(realtime.subscribeStatus, realtime.getStatus);
}

/*
 * Presence. Every HTTP request counts as activity for HIPAA automatic logoff, sockets do
 * not. A page that refetched on every event would keep a session alive for as long as
 * messages flow to a screen nobody looks at. So refetches caused by events (not by the
 * person) go out only while the person has used this tab in the last two minutes; otherwise
 * the data is marked stale and refetched when they are back. Patches from event payloads
 * need no request and are always applied.
 */
const PRESENCE_WINDOW_MS = 120_000;
let lastPresence = performance.now();
const deferred = new Map<string, InvalidateQueryFilters>();
let presenceClient: QueryClient | undefined;

/** The person used this tab lately (input, or coming back to it). */
export function isPresent(): boolean {
  return performance.now() - lastPresence < PRESENCE_WINDOW_MS;
}

/** Present and looking at the tab: what "read" means for a message on screen. */
export function isViewing(): boolean {
  return document.visibilityState === 'visible' && isPresent();
}

const presenceListeners = new Set<() => void>();

/** Runs `action` now if the person is viewing the tab, else as soon as they are. */
export function whenViewing(action: () => void): () => void {
  if (isViewing()) {
    action();
    return () => undefined;
  }
  const run = () => {
    if (!isViewing()) return;
    presenceListeners.delete(run);
    action();
  };
  presenceListeners.add(run);
  return () => {
    presenceListeners.delete(run);
  };
}

/**
 * Refetches what `filters` match now when the person is here, else marks it stale and
 * refetches when they are back. `label` collapses repeats of the same refresh.
 */
export function refreshWhenPresent(
  queryClient: QueryClient,
  label: string,
  filters: InvalidateQueryFilters,
) {
  if (isPresent()) {
    void queryClient.invalidateQueries(filters);
    return;
  }
  void queryClient.invalidateQueries({ ...filters, refetchType: 'none' });
  deferred.set(label, filters);
}

function installPresence(queryClient: QueryClient): () => void {
  presenceClient = queryClient;
  const seen = () => {
    lastPresence = performance.now();
    if (document.visibilityState !== 'visible') return;
    for (const listener of [...presenceListeners]) listener();
    if (presenceClient && deferred.size > 0) {
      const pending = [...deferred.values()];
      deferred.clear();
      for (const filters of pending) void presenceClient.invalidateQueries(filters);
    }
    realtime.wake();
  };
  const onVisibility = () => {
    if (document.visibilityState === 'visible') seen();
  };
  const events = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'input'] as const;
  for (const type of events) {
    window.addEventListener(type, seen, { capture: true, passive: true });
  }
  window.addEventListener('focus', seen);
  window.addEventListener('online', seen);
  document.addEventListener('visibilitychange', onVisibility);
  return () => {
    for (const type of events) window.removeEventListener(type, seen, { capture: true });
    window.removeEventListener('focus', seen);
    window.removeEventListener('online', seen);
    document.removeEventListener('visibilitychange', onVisibility);
    deferred.clear();
  };
}
