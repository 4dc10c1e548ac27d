import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client.js';
import { buildTestApp, testRedisUrl, type TestApp } from '../../testing/test-app.js';
import { createTestDatabase, onPostgres } from '../../testing/test-database.js';
import { startTcpProxy } from '../../testing/tcp-proxy.js';

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('health', () => {
  const apps: TestApp[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const start = async (...args: Parameters<typeof buildTestApp>) => {
    const t = await buildTestApp(...args);
    apps.push(t);
    return t;
  };
  const ready = (t: TestApp) => t.app.inject({ method: 'GET', url: '/health/ready' });

  it('is live and ready when every dependency answers', async () => {
    const t = await start();
    const live = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toMatchObject({ status: 'live' });
    const res = await ready(t);
    expect(res.statusCode).toBe(200);
    const body = res.json<{ status: string; checks: Record<string, { status: string }> }>();
    expect(body.status).toBe('ready');
    expect(body.checks.database!.status).toBe('up');
    if (testRedisUrl) expect(body.checks.redis!.status).toBe('up');
  });

  it('turns 503 naming redis when Redis is unreachable', async () => {
    const t = await start({ env: { REDIS_URL: `redis://127.0.0.1:${await closedPort()}` } });
    const res = await ready(t);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'not_ready', failing: ['redis'] });
    // Liveness is about the process only: restarting it would not bring Redis back.
    expect((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });

  it('keeps serving requests that do not need Redis while it is down', async () => {
    const t = await start({ env: { REDIS_URL: `redis://127.0.0.1:${await closedPort()}` } });
    // The Redis-backed rate limiter fails open rather than failing every request.
    const res = await t.app.inject({ method: 'GET', url: '/api/info' });
    expect(res.statusCode).toBe(200);
  });

  it.runIf(onPostgres)(
    'turns 503 naming the database while PostgreSQL is unreachable, and recovers by itself',
    async () => {
      const testDatabase = await createTestDatabase();
      cleanups.push(() => testDatabase.drop());
      const url = new URL(testDatabase.url!);
      const proxy = await startTcpProxy(Number(url.port || 5432));
      cleanups.push(() => proxy.close());
      url.port = String(proxy.port);
      const viaProxy = await openDatabase({ kind: 'postgresql', url: url.toString(), poolMax: 2 });
      const t = await start({
        testDatabase: { ...testDatabase, database: viaProxy, drop: () => viaProxy.close() },
      });

      const before = await ready(t);
      expect(before.json()).toMatchObject({ status: 'ready' });
      await proxy.cut();
      const down = await ready(t);
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ status: 'not_ready', failing: ['database'] });
      // A data route says "unavailable, retry" (503), not "internal error" (500).
      const read = await t.app.inject({ method: 'GET', url: '/api/clinics/any-clinic' });
      expect(read.statusCode).toBe(503);
      expect(read.json()).toMatchObject({ type: '/problems/service-unavailable' });
      expect(read.headers['retry-after']).toBe('5');

      await proxy.restore();
      // No restart: the pool opens new connections once the server answers again.
      await expect.poll(async () => (await ready(t)).statusCode, { timeout: 15_000 }).toBe(200);
    },
  );

  it.runIf(!onPostgres)('turns 503 naming the database when the embedded one is gone', async () => {
    const testDatabase = await createTestDatabase();
    const t = await start({ testDatabase });
    await testDatabase.database.close();
    const res = await ready(t);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ failing: ['database'] });
  });
});
