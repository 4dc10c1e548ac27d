import type { AddressInfo } from 'node:net';
import { io as connectSocket, type Socket as ClientSocket } from 'socket.io-client';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { buildTestApp, type TestApp, type TestAppOptions } from '../../testing/test-app.js';
import type { Clock } from '../clock.js';
import { createEventLog, type Room, type StoredEvent } from './event-log.js';
import type { RealtimeReply } from './realtime-server.js';

/** A test app serving Socket.IO on a loopback port. */
export async function listeningApp(options: TestAppOptions = {}) {
  const t = await buildTestApp({ realtimeServer: true, ...options });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  return Object.assign(t, { url });
}
export type ListeningApp = Awaited<ReturnType<typeof listeningApp>>;

export interface ClientOptions {
  cookie?: string | undefined;
  /** The Origin header; the app's own unless given (`null`: none). */
  origin?: string | null;
  reconnection?: boolean;
}

/** A socket.io client as the web app connects one: WebSocket only, the session cookie. */
export function client(url: string, options: ClientOptions = {}): ClientSocket {
  const origin = options.origin === undefined ? url : options.origin;
  return connectSocket(url, {
    path: '/socket.io',
    transports: ['websocket'],
    forceNew: true,
    reconnection: options.reconnection ?? false,
    reconnectionDelay: 300,
    reconnectionDelayMax: 300,
    extraHeaders: {
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(origin ? { origin } : {}),
    },
  });
}

/** Resolves once connected; rejects with the server's refusal (connect_error message). */
export function connected(socket: ClientSocket, timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    const timer = setTimeout(() => reject(new Error('connect timed out')), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once('connect_error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** The connect_error message the server answered with. */
export async function refusal(socket: ClientSocket): Promise<string> {
  try {
    await connected(socket);
    return 'connected';
  } catch (err) {
    return (err as Error).message;
  } finally {
    socket.close();
  }
}

/** Sends a client event and waits for its acknowledgement. */
export function ask(
  socket: ClientSocket,
  event: string,
  data?: unknown,
  timeoutMs = 5_000,
): Promise<RealtimeReply & Record<string, unknown>> {
  return socket.timeout(timeoutMs).emitWithAck(event, data) as Promise<
    RealtimeReply & Record<string, unknown>
  >;
}

/** The next `event` the socket receives (rejects after the timeout). */
export function next<T = Record<string, unknown>>(
  socket: ClientSocket,
  event: string,
  timeoutMs = 5_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, on);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (data: T) => {
      clearTimeout(timer);
      resolve(data);
    };
    socket.once(event, on);
  });
}

/** Polls `condition` every 20 ms until it holds (or fails after the timeout). */
export async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A clinic and a signed-in person with a role there. */
export async function signedInPerson(
  t: TestApp,
  role: 'patient' | 'provider' | 'staff' | 'admin' = 'patient',
  clock?: Clock,
  clinicId?: string,
) {
  const db = t.testDatabase.database.db;
  const clinic = clinicId ?? (await makeClinic(db)).id;
  const person = await makePerson(db, clinic, role);
  const { cookie, sessionId } = await signedInCookie(t, person.id, clock);
  return { clinicId: clinic, userId: person.id, cookie, sessionId };
}

/** Records events in the log (as a service does, in a transaction) and broadcasts them. */
export async function recordAndBroadcast(
  t: TestApp & { realtime: { broadcast(events: StoredEvent[]): void } },
  organizationId: string,
  room: string,
  payloads: Record<string, unknown>[],
  type = 'test.happened',
): Promise<StoredEvent[]> {
  const db = t.testDatabase.database.db;
  const log = createEventLog(db);
  const events = await db.transaction((tx) =>
    log.record(
      tx,
      payloads.map((payload) => ({ organizationId, room: room as Room, type, payload })),
    ),
  );
  t.realtime.broadcast(events);
  return events;
}
