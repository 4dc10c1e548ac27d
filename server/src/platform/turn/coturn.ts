/**
 * Test support: Debian's coturn (`apt-get install coturn`) on a free loopback port, set up
 * the way docs/video.md deploys it (use-auth-secret), for server and browser tests. Nothing
 * here is used by the running app.
 *
 * e2e imports it by path: `import { startCoturn } from '../server/src/platform/turn/coturn.js'`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IceConfig } from './turn-credentials.js';

const LOOPBACK = '127.0.0.1';

/* eslint-disable security/detect-non-literal-fs-filename -- files in our own mkdtemp folder */

/** Debian installs coturn's programs in /usr/bin; undefined when coturn is not installed. */
function findProgram(name: string): string | undefined {
  return [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/sbin']
    .filter(Boolean)
    .map((dir) => path.join(dir, name))
    .find((candidate) => {
      try {
        accessSync(candidate, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

export const turnserverPath = findProgram('turnserver');
/** coturn's own test client, from the same package. */
export const uclientPath = findProgram('turnutils_uclient');

export interface CoturnOptions {
  /**
   * The static-auth-secret (what TURN_SECRET must be; an OpenVisit server wants 32+
   * characters); 64 random hex digits when not given.
   */
  secret?: string;
  realm?: string;
  /** startCoturn rejects when coturn does not answer within this long (default 10 s). */
  readyTimeoutMs?: number;
}

export interface RunningCoturn {
  pid: number;
  port: number;
  realm: string;
  secret: string;
  /** turn: over UDP and over TCP, both on `port`. */
  turnUrls: string[];
  stunUrl: string;
  /** What the server's iceServersFor takes (credential TTL 1 hour). */
  ice: IceConfig;
  /** The environment that points an OpenVisit server at this coturn. */
  env: { STUN_URLS: string; TURN_URLS: string; TURN_SECRET: string };
  /** coturn's log so far (verbose: one line per request with its result, e.g. `error 401`). */
  log(): string;
  /** SIGTERM, then SIGKILL if coturn outlives `graceMs`; removes the temp dir. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts coturn on 127.0.0.1 with a config file of its own (the secret stays out of `ps`,
 * and /etc/turnserver.conf, which logs to syslog, is not read) and resolves once it answers
 * a STUN Binding request.
 */
export async function startCoturn(options: CoturnOptions = {}): Promise<RunningCoturn> {
  if (!turnserverPath) throw new Error('turnserver not found: apt-get install coturn');
  const secret = options.secret ?? randomBytes(32).toString('hex');
  const realm = options.realm ?? 'openvisit.test';
  const dir = mkdtempSync(path.join(tmpdir(), 'ov-coturn-'));
  const logFile = path.join(dir, 'turn.log');
  const port = await freeUdpAndTcpPort();
  const configFile = path.join(dir, 'turnserver.conf');
  writeFileSync(
    configFile,
    [
      `listening-ip=${LOOPBACK}`,
      `listening-port=${port}`,
      `relay-ip=${LOOPBACK}`,
      'use-auth-secret',
      `static-auth-secret=${secret}`,
      `realm=${realm}`,
      'no-tls',
      'no-dtls',
      'no-cli',
      // Tests relay between loopback addresses, which production must deny.
      'allow-loopback-peers',
      'verbose',
      `log-file=${logFile}`,
      'simple-log',
      `pidfile=${path.join(dir, 'turnserver.pid')}`,
      // Its SQLite user database (unused with use-auth-secret) stays out of /var/lib/turn.
      `userdb=${path.join(dir, 'turndb')}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  );

  const child = spawn(turnserverPath, ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  // It prints `socket: Protocol not supported` twice at start (no SCTP); kept for errors.
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let spawnError: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', (err) => {
      spawnError = err;
      resolve();
    });
  });
  const watchdog = child.pid ? deadMansSwitch(child.pid, dir) : undefined;
  void exited.then(() => watchdog?.kill('SIGKILL'));
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 3_000) =>
    (stopping ??= (async () => {
      await endProcess(child, exited, graceMs);
      watchdog?.kill('SIGKILL');
      watchdog?.stdin?.destroy();
      rmSync(dir, { recursive: true, force: true });
    })());

  try {
    await untilAnswersStun(port, () => spawnError, child, options.readyTimeoutMs ?? 10_000);
  } catch (err) {
    const detail = `${(err as Error).message}\n${stderr}${log().split('\n').slice(-20).join('\n')}`;
    await stop();
    throw new Error(`coturn did not start: ${detail}`, { cause: err });
  }

  const turnUrls = [
    `turn:${LOOPBACK}:${port}?transport=udp`,
    `turn:${LOOPBACK}:${port}?transport=tcp`,
  ];
  const stunUrl = `stun:${LOOPBACK}:${port}`;
  return {
    pid: child.pid!,
    port,
    realm,
    secret,
    turnUrls,
    stunUrl,
    ice: {
      stunUrls: [stunUrl],
      transportPolicy: 'all' as const,
      turn: { urls: turnUrls, secret, credentialTtlSeconds: 3600 },
    },
    env: { STUN_URLS: stunUrl, TURN_URLS: turnUrls.join(','), TURN_SECRET: secret },
    log,
    stop,
  };
}

/* eslint-enable security/detect-non-literal-fs-filename */

export interface AllocationResult {
  /** Both of uclient's clients got a relay and exchanged data through them. */
  relayed: boolean;
  /** The relayed addresses coturn handed out (127.0.0.1:port). */
  relayAddresses: string[];
  /** Messages the clients received from each other through the relays. */
  messagesReceived: number;
  output: string;
}

/**
 * Runs coturn's own client against `port` with a TURN username and password: two clients
 * allocate relays and send to each other through them (`-y`). Exits non-zero at once when
 * coturn refuses the credentials (401); killed after `timeoutMs`.
 */
export async function tryAllocation(
  port: number,
  credentials: { username: string; credential: string },
  options: { transport?: 'udp' | 'tcp'; timeoutMs?: number } = {},
): Promise<AllocationResult> {
  if (!uclientPath) throw new Error('turnutils_uclient not found: apt-get install coturn');
  const args = ['-v', '-y', '-c', '-n', '2', '-z', '5', '-p', String(port)];
  if (options.transport === 'tcp') args.push('-t');
  args.push('-u', credentials.username, '-w', credentials.credential, LOOPBACK);
  const child = spawn(uclientPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', resolve);
    child.once('error', (err) => {
      output += String(err);
      resolve(null);
    });
  });
  const timeoutMs = options.timeoutMs ?? 20_000;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const code = await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  if (code === 'timeout') {
    await endProcess(child, exited, 1_000);
    output += `\n(turnutils_uclient killed after ${timeoutMs} ms)`;
  }
  const relayAddresses = [...output.matchAll(/Received relay addr: (\S+)/g)].map((m) => m[1]!);
  const totals = [...output.matchAll(/tot_recv_msgs=(\d+)/g)].at(-1);
  const messagesReceived = totals ? Number(totals[1]) : 0;
  return {
    relayed: code === 0 && relayAddresses.length > 0 && messagesReceived > 0,
    relayAddresses,
    messagesReceived,
    output,
  };
}

/**
 * A test runner that dies without calling stop() (a worker killed after a timeout, Ctrl-C)
 * must not leave coturn holding ports: a shell reads a pipe from this process, and when the
 * pipe closes, which the kernel does however this process ends, it kills coturn and removes
 * its folder. The shell is killed as soon as coturn exits, so it never acts on a reused pid.
 */
function deadMansSwitch(pid: number, dir: string): ChildProcess {
  const script = 'while read -r _; do :; done; kill -KILL "$1" 2>/dev/null; rm -rf "$2"';
  const watchdog = spawn('/bin/sh', ['-c', script, 'coturn-watchdog', String(pid), dir], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.on('error', () => undefined); // no /bin/sh: stop() still ends coturn
  // Neither the shell nor its pipe may keep the test process alive.
  watchdog.unref();
  watchdog.stdin?.on('error', () => undefined);
  if (watchdog.stdin instanceof Socket) watchdog.stdin.unref();
  return watchdog;
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone (bounded). */
async function endProcess(child: ChildProcess, exited: Promise<unknown>, graceMs: number) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = (ms: number) =>
    Promise.race([
      exited.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), ms).unref()),
    ]);
  child.kill('SIGTERM');
  if (await gone(graceMs)) return;
  child.kill('SIGKILL');
  if (!(await gone(2_000))) throw new Error(`process ${child.pid} did not end after SIGKILL`);
}

/** A port free on 127.0.0.1 for both UDP and TCP (coturn listens on both). */
async function freeUdpAndTcpPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = createSocket('udp4');
    const port = await new Promise<number>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, LOOPBACK, () => resolve(udp.address().port));
    });
    const tcpFree = await new Promise<boolean>((resolve) => {
      const tcp = createServer();
      tcp.once('error', () => resolve(false));
      tcp.listen(port, LOOPBACK, () => tcp.close(() => resolve(true)));
    });
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (tcpFree) return port;
  }
  throw new Error('no port free for both UDP and TCP on 127.0.0.1');
}

/** Sends STUN Binding requests (RFC 8489) until one is answered, coturn exits, or time runs out. */
async function untilAnswersStun(
  port: number,
  spawnError: () => Error | undefined,
  child: ChildProcess,
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  const socket = createSocket('udp4');
  socket.on('error', () => undefined); // an ICMP unreachable before coturn listens: try again
  try {
    await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
    const transactionId = randomBytes(12);
    const request = Buffer.concat([
      Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), // Binding, no attributes, magic cookie
      transactionId,
    ]);
    let answered = false;
    socket.on('message', (message: Buffer) => {
      // A Binding success response (0x0101) to this transaction.
      if (message.length >= 20 && message.readUInt16BE(0) === 0x0101) {
        answered ||= message.subarray(8, 20).equals(transactionId);
      }
    });
    while (!answered) {
      const failed = spawnError();
      if (failed) throw failed;
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`turnserver exited (${child.exitCode ?? child.signalCode})`);
      }
      if (Date.now() > deadline) throw new Error(`no STUN answer within ${timeoutMs} ms`);
      socket.send(request, port, LOOPBACK);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    socket.close();
  }
}
