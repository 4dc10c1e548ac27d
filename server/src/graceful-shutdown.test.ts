import { afterAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './testing/test-app.js';

// What SIGTERM triggers in main.ts: app.close() stops taking requests and lets the ones in
// flight finish, so a rolling deploy drops nothing a client was already waiting for.
describe('graceful shutdown', () => {
  let t: TestApp | undefined;
  afterAll(() => t?.close());

  it('finishes in-flight requests and refuses new ones while closing', async () => {
    t = await buildTestApp();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    t.app.get('/api/test-slow', { config: { access: { rule: 'public' } } }, async () => {
      arrived();
      await released;
      return { finished: true };
    });
    const address = await t.app.listen({ host: '127.0.0.1', port: 0 });

    const slow = fetch(`${address}/api/test-slow`);
    await inFlight;
    const closing = t.app.close();
    // A new request while closing is refused (503 or connection refused), never served.
    const late = await fetch(`${address}/health/live`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect([503, 'refused']).toContain(late);
    release();
    const res = await slow;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ finished: true });
    await closing;
  });
});
