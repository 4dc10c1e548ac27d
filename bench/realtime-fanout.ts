/**
 * Realtime fan-out: N authenticated Socket.IO connections (WebSocket, session cookie, as the
 * web app opens them) on one server instance, all in one message thread's room; the patient
 * sends K messages over HTTP and each is timed from just before its POST until every socket
 * has received its `message.created` (matched by the message id the device chose).
 * Reports the server process's memory per connection (measured apart from this load
 * generator), fan-out latency p50/p99/max over all deliveries, the POST latency, and the
 * same with a smaller N in the same run, as a ratio.
 *
 * Run: npm run bench:realtime -w @openvisit/bench (BENCH_DATABASE_URL for PostgreSQL).
 * Knobs (environment): BENCH_SOCKETS (2000), BENCH_SOCKETS_SMALL (100), BENCH_MESSAGES (50),
 * BENCH_MESSAGE_GAP_MS (200), BENCH_SOCKETS_PER_SESSION (20), BENCH_CONNECT_BATCH (100),
 * BENCH_DELIVERY_TIMEOUT_MS (10000), BENCH_MAX_S (780).
 *
 * The load generator shares the 2 cores with the server: its own event loop handling N
 * frames per message is part of every figure (its CPU time is printed beside them).
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { databaseLabel, saveResults } from './support/bench-server.js';
import { absoluteNow, startMessageSender } from './support/message-sender.js';
import { startServerProcess, type ReadyServer } from './support/server-process.js';

const int = (name: string, fallback: number, min: number, max: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max}`);
  }
  return value;
};
// The open-file hard limit here is 20,000 per process and cannot be raised: the server
// holds one descriptor per socket plus its own files and database connections.
const sockets = int('BENCH_SOCKETS', 2_000, 1, 15_000);
const smallSockets = Math.min(int('BENCH_SOCKETS_SMALL', 100, 1, 15_000), sockets);
const messages = int('BENCH_MESSAGES', 50, 1, 1_000);
const gapMs = int('BENCH_MESSAGE_GAP_MS', 200, 0, 10_000);
// `subscribe` costs a token from the person's bucket, shared by all their sockets on the
// instance (30 per 10 s): more sockets per session than that would be rate-limited.
const perSession = int('BENCH_SOCKETS_PER_SESSION', 20, 1, 25);
const connectBatch = int('BENCH_CONNECT_BATCH', 100, 1, 1_000);
const deliveryTimeoutMs = int('BENCH_DELIVERY_TIMEOUT_MS', 10_000, 100, 60_000);
// Sockets never count as activity: past the staff idle limit (15 min) the staff sessions
// end and their sockets are disconnected, so a run must finish well before it.
const maxS = int('BENCH_MAX_S', 780, 10, 840);
const warmupMessages = 3;
const staffCount = Math.ceil(sockets / perSession);
const deadline = Date.now() + maxS * 1000;

interface FanoutServer extends ReadyServer {
  clinicId: string;
  patientId: string;
  staffCookies: string[];
  probePort: number;
  pid: number;
}
interface Probe {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  cpuMs: number;
  sockets: number;
  gc: boolean;
}
/** A message on its way: the sockets' arrival times (absolute), and which sockets have it. */
interface InFlight {
  arrivals: number[];
  seen: Set<number>;
  done: () => void;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
const ms = (value: number) => Math.round(value * 10) / 10;
const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;
const mb = (bytes: number) => Math.round(bytes / 104_857.6) / 10;
const sleep = (delayMs: number) => new Promise((r) => setTimeout(r, delayMs));
const checkDeadline = (what: string) => {
  if (Date.now() > deadline) throw new Error(`BENCH_MAX_S (${maxS} s) passed while ${what}`);
};

const loadAtStart = load();
console.log(
  `Realtime fan-out: ${databaseLabel}, N=${sockets} (and ${smallSockets}), K=${messages} messages, ${perSession} sockets per staff session (${staffCount} staff), Node ${process.version}`,
);
console.log(`load average at start (1/5/15 min): ${loadAtStart}`);

const open: Socket[] = [];
const inFlight = new Map<string, InFlight>();
let disconnects = 0;
let strays = 0;
let server: Awaited<ReturnType<typeof startServerProcess>> | undefined;
let sender: ReturnType<typeof startMessageSender> | undefined;
let serverPid: number | undefined;

let cleaning: Promise<void> | undefined;
/** Closes every socket and stops the server (once; also on a signal or the watchdog). */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const socket of open.splice(0)) {
      socket.removeAllListeners();
      socket.close();
    }
    await sender?.stop();
    if (!server) return;
    const stopped = server.stop();
    const timedOut = await Promise.race([
      stopped.then(() => false),
      sleep(30_000).then(() => true),
    ]);
    if (timedOut && serverPid) {
      console.error('server did not stop within 30 s: killing it');
      try {
        process.kill(serverPid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`${signal}: closing sockets and stopping the server`);
    void cleanup().finally(() => process.exit(130));
  });
}
const watchdog = setTimeout(
  () => {
    console.error(`BENCH_MAX_S (${maxS} s) + 60 s passed: giving up`);
    void cleanup().finally(() => process.exit(1));
  },
  (maxS + 60) * 1000,
);
watchdog.unref();

const postHeaders = (ready: FanoutServer) => ({
  cookie: ready.cookie,
  origin: `http://127.0.0.1:${ready.port}`,
  'x-openvisit-request': '1',
  'content-type': 'application/json',
});

async function probe(ready: FanoutServer): Promise<Probe> {
  const response = await fetch(`http://127.0.0.1:${ready.probePort}/`, {
    signal: AbortSignal.timeout(30_000),
  });
  return (await response.json()) as Probe;
}

/** Opens one socket as the web app does, subscribes it to the thread, counts deliveries. */
async function openSocket(ready: FanoutServer, cookie: string, room: string, index: number) {
  const base = `http://127.0.0.1:${ready.port}`;
  const socket = io(base, {
    path: '/socket.io',
    transports: ['websocket'],
    forceNew: true, // one connection per socket, never multiplexed
    reconnection: false, // a dropped socket must show as a loss, not recover quietly
    timeout: 20_000,
    extraHeaders: { cookie, origin: base },
  });
  open.push(socket);
  socket.on('message.created', (data: { message?: { id?: string } }) => {
    const arrivedAt = absoluteNow();
    const message = data.message?.id ? inFlight.get(data.message.id) : undefined;
    if (!message || message.seen.has(index)) {
      strays += 1;
      return;
    }
    message.seen.add(index);
    message.arrivals.push(arrivedAt);
    if (message.seen.size === open.length) message.done();
  });
  socket.on('disconnect', () => {
    disconnects += 1;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(new Error(`socket ${index}: ${err.message}`)));
  });
  const answer = (await socket
    .timeout(20_000)
    .emitWithAck('subscribe', { room })
    .catch((err: Error) => {
      throw new Error(`socket ${index}: subscribe: ${err.message}`);
    })) as { ok: boolean; error?: string };
  if (!answer.ok) throw new Error(`socket ${index}: subscribe answered ${answer.error}`);
}

/** Ramps up to `target` sockets, `connectBatch` at a time. */
async function rampTo(ready: FanoutServer, room: string, target: number) {
  const startedAt = performance.now();
  while (open.length < target) {
    checkDeadline('connecting');
    const batch = [];
    // openSocket adds to `open` at once: the batch's bounds are fixed before it starts.
    const from = open.length;
    const to = Math.min(target, from + connectBatch);
    for (let i = from; i < to; i++) {
      // Sockets fill one staff session after another: socket i belongs to staff i / perSession.
      batch.push(openSocket(ready, ready.staffCookies[Math.floor(i / perSession)]!, room, i));
    }
    const batchStartedAt = performance.now();
    await Promise.all(batch);
    if (process.env.BENCH_VERBOSE) {
      console.log(`${open.length} sockets (batch ${ms(performance.now() - batchStartedAt)} ms)`);
    }
  }
  return (performance.now() - startedAt) / 1000;
}

/** Sends `count` messages as the patient, one at a time, timing each one's fan-out. */
async function sendMessages(ready: FanoutServer, threadId: string, count: number) {
  const deliveries: number[] = [];
  const lastDelivery: number[] = [];
  const spread: number[] = [];
  const posts: number[] = [];
  let missing = 0;
  const url = `http://127.0.0.1:${ready.port}/api/clinics/${ready.clinicId}/threads/${threadId}/messages`;
  for (let i = 0; i < count; i++) {
    checkDeadline('sending messages');
    const id = randomUUID();
    let done = () => {};
    const allDelivered = new Promise<void>((resolve) => (done = resolve));
    const message: InFlight = { arrivals: [], seen: new Set(), done };
    inFlight.set(id, message);
    // Sockets may hear of the message before its POST is answered: arrivals are kept as
    // absolute times and turned into latencies once the POST's start time is known.
    const sent = await sender!.post(url, postHeaders(ready), {
      id,
      body: `Fan-out benchmark message ${i}`,
    });
    if (sent.status !== 201) {
      throw new Error(`message POST answered ${sent.status || 'nothing'}: ${sent.text}`);
    }
    posts.push(sent.endedAt - sent.startedAt);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      allDelivered,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, deliveryTimeoutMs))),
    ]);
    clearTimeout(timer);
    inFlight.delete(id);
    missing += open.length - message.seen.size;
    const latencies = message.arrivals.map((arrivedAt) => arrivedAt - sent.startedAt);
    for (const latency of latencies) deliveries.push(latency);
    const last = latencies.reduce((a, b) => Math.max(a, b), 0);
    lastDelivery.push(last);
    // First to last socket: how long the broadcast takes to reach every socket (this load
    // generator reading N frames one after another included).
    spread.push(last - latencies.reduce((a, b) => Math.min(a, b), last));
    if (gapMs) await sleep(gapMs);
  }
  return { deliveries, lastDelivery, spread, posts, missing };
}

/** K measured messages (after a few discarded ones) with the sockets open now. */
async function phase(ready: FanoutServer, threadId: string) {
  await sendMessages(ready, threadId, warmupMessages);
  const serverCpuBefore = (await probe(ready)).cpuMs;
  const clientCpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  const run = await sendMessages(ready, threadId, messages);
  const elapsedS = (performance.now() - startedAt) / 1000;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const serverCpuMs = (await probe(ready)).cpuMs - serverCpuBefore;
  const deliveries = run.deliveries.sort((a, b) => a - b);
  const last = run.lastDelivery.sort((a, b) => a - b);
  const spread = run.spread.sort((a, b) => a - b);
  const posts = run.posts.sort((a, b) => a - b);
  return {
    N: open.length,
    messages,
    deliveries: deliveries.length,
    missing: run.missing,
    'fan-out p50 ms': ms(percentile(deliveries, 50)),
    'fan-out p99 ms': ms(percentile(deliveries, 99)),
    'fan-out max ms': ms(deliveries[deliveries.length - 1] ?? NaN),
    'last socket p50 ms': ms(percentile(last, 50)),
    'first→last p50 ms': ms(percentile(spread, 50)),
    'POST p50 ms': ms(percentile(posts, 50)),
    'POST p99 ms': ms(percentile(posts, 99)),
    'server CPU ms/msg': ms(serverCpuMs / messages),
    'bench CPU ms/msg': ms((clientCpu.user + clientCpu.system) / 1000 / messages),
    'wall s': ms(elapsedS),
  };
}

let exitCode = 0;
try {
  server = await startServerProcess('bench/support/fanout-server.ts', {
    args: ['--staff', String(staffCount)],
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc`.trim() },
    timeoutS: 180,
  });
  const ready = server.ready as FanoutServer;
  serverPid = ready.pid;

  sender = startMessageSender();
  const started = await fetch(`http://127.0.0.1:${ready.port}${ready.path}`, {
    method: 'POST',
    headers: postHeaders(ready),
    body: JSON.stringify({ subject: 'Fan-out benchmark', body: 'The first message' }),
    signal: AbortSignal.timeout(30_000),
  });
  if (started.status !== 201) {
    throw new Error(`thread start answered ${started.status}: ${await started.text()}`);
  }
  const threadId = ((await started.json()) as { thread: { id: string } }).thread.id;
  const room = `thread:${threadId}`;

  const clientBefore = process.memoryUsage();
  const baseline = await probe(ready);
  if (!baseline.gc) console.warn('the server runs without --expose-gc: memory is noisier');
  // The first sockets also pay one-time costs (code paths compiled, buffers grown): memory
  // per connection is measured between the small set and the full set.
  const smallRampS = await rampTo(ready, room, smallSockets);
  const atSmall = await probe(ready);
  const fullRampS = await rampTo(ready, room, sockets);
  const atFull = await probe(ready);
  const clientAfter = process.memoryUsage();
  if (atFull.sockets !== sockets) {
    throw new Error(`the server holds ${atFull.sockets} sockets, expected ${sockets}`);
  }
  // With no small set below N, only the figures from 0 mean something.
  const added = sockets > smallSockets ? sockets - smallSockets : NaN;
  const memoryRows = [
    {
      at: 'before sockets',
      sockets: 0,
      'rss MB': mb(baseline.rss),
      'heap MB': mb(baseline.heapUsed),
    },
    {
      at: 'small set',
      sockets: smallSockets,
      'rss MB': mb(atSmall.rss),
      'heap MB': mb(atSmall.heapUsed),
    },
    { at: 'full set', sockets, 'rss MB': mb(atFull.rss), 'heap MB': mb(atFull.heapUsed) },
  ];
  const perConnection = {
    'rss KB/conn': kb((atFull.rss - atSmall.rss) / added),
    'heap KB/conn': kb((atFull.heapUsed - atSmall.heapUsed) / added),
    'rss KB/conn from 0': kb((atFull.rss - baseline.rss) / sockets),
    'heap KB/conn from 0': kb((atFull.heapUsed - baseline.heapUsed) / sockets),
    'bench rss KB/conn': kb((clientAfter.rss - clientBefore.rss) / sockets),
  };

  const full = await phase(ready, threadId);
  // Down to the small set (the first sockets, whole staff sessions first) for the ratio.
  for (const socket of open.splice(smallSockets)) {
    socket.removeAllListeners();
    socket.close();
  }
  const small = await phase(ready, threadId);

  console.log(
    `\nConnecting: ${smallSockets} sockets in ${ms(smallRampS)} s, ${sockets - smallSockets} more in ${ms(fullRampS)} s (batches of ${connectBatch}, each connect + subscribe)`,
  );
  console.log('Server process memory (after a full GC):');
  console.table(memoryRows);
  console.log(`Memory per connection (server, between ${smallSockets} and ${sockets} sockets):`);
  console.table([perConnection]);
  console.log(
    `Fan-out of message.created (POST start to each socket's arrival), ${messages} messages each, ${gapMs} ms apart:`,
  );
  console.table([full, small]);
  const ratio = (key: 'fan-out p50 ms' | 'fan-out p99 ms' | 'POST p50 ms') =>
    (full[key] / small[key]).toFixed(2);
  console.log(
    `N=${sockets} vs N=${smallSockets}: fan-out p50 x${ratio('fan-out p50 ms')}, p99 x${ratio('fan-out p99 ms')}, POST p50 x${ratio('POST p50 ms')}`,
  );
  console.log(
    `late or unexpected message.created events: ${strays}; sockets dropped by the server: ${disconnects}`,
  );
  const loadAtEnd = load();
  console.log(`load average at end (1/5/15 min): ${loadAtEnd}`);
  saveResults('realtime-fanout', {
    sockets,
    smallSockets,
    messages,
    gapMs,
    perSession,
    staff: staffCount,
    loadAtStart,
    loadAtEnd,
    memory: memoryRows,
    perConnection,
    fanout: [full, small],
  });
  if (full.missing || small.missing) {
    console.error('some deliveries did not arrive within BENCH_DELIVERY_TIMEOUT_MS');
    exitCode = 1;
  }
} catch (err) {
  console.error('realtime fan-out benchmark failed:', err instanceof Error ? err.message : err);
  console.log(`load average at end (1/5/15 min): ${load()}`);
  exitCode = 1;
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
process.exit(exitCode);
