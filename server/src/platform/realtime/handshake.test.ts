import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientIp, originAllowed, ownOrigin, sessionTokenOf } from './handshake.js';
import { createTokenBuckets } from './rate-limiter.js';

/** An opening request as Node hands it over: headers and the TCP peer. */
const request = (headers: Record<string, string>, remoteAddress = '10.0.0.5', encrypted = false) =>
  ({ headers, socket: { remoteAddress, encrypted } }) as unknown as IncomingMessage;

describe('reading the socket handshake', () => {
  it('reads the session cookie under either of its names', () => {
    expect(sessionTokenOf(request({ cookie: 'a=1; ov_session=abc' }))).toBe('abc');
    expect(sessionTokenOf(request({ cookie: '__Host-ov_session=xyz' }))).toBe('xyz');
    expect(sessionTokenOf(request({ cookie: 'other=1' }))).toBeUndefined();
    expect(sessionTokenOf(request({}))).toBeUndefined();
  });

  it("applies the CSRF origin rule: this server's own origin or an allowlisted one", () => {
    const own = request({ host: 'visit.example:8443', origin: 'http://visit.example:8443' });
    expect(originAllowed(own, [], false)).toBe(true);
    const tls = request(
      { host: 'visit.example', origin: 'https://visit.example' },
      '1.2.3.4',
      true,
    );
    expect(originAllowed(tls, [], false)).toBe(true);
    const foreign = request({ host: 'visit.example', origin: 'https://evil.example' });
    expect(originAllowed(foreign, [], false)).toBe(false);
    expect(originAllowed(foreign, ['https://evil.example'], false)).toBe(true);
    expect(originAllowed(request({ host: 'visit.example' }), [], false)).toBe(false);
  });

  it('believes forwarded headers only from trusted proxies, as Fastify does', () => {
    const proxied = request({
      host: 'api:3000',
      'x-forwarded-host': 'visit.example',
      'x-forwarded-proto': 'https',
      'x-forwarded-for': '203.0.113.7, 10.0.0.9',
      origin: 'https://visit.example',
    });
    expect(ownOrigin(proxied, false)).toBe('http://api:3000');
    expect(originAllowed(proxied, [], false)).toBe(false);
    expect(ownOrigin(proxied, 1)).toBe('https://visit.example');
    expect(originAllowed(proxied, [], 1)).toBe(true);

    expect(clientIp(proxied, false)).toBe('10.0.0.5');
    expect(clientIp(proxied, 1)).toBe('10.0.0.9');
    expect(clientIp(proxied, 2)).toBe('203.0.113.7');
    expect(clientIp(proxied, true)).toBe('203.0.113.7');
  });
});

describe('event budget (token buckets)', () => {
  it('allows a burst, refills steadily, and keeps people apart', () => {
    let now = 0;
    const buckets = createTokenBuckets({ capacity: 3, refillMs: 3_000 }, () => now);
    expect([1, 2, 3, 4].map(() => buckets.take('a'))).toEqual([true, true, true, false]);
    expect(buckets.take('b')).toBe(true);
    now += 999;
    expect(buckets.take('a')).toBe(false);
    now += 1;
    expect(buckets.take('a')).toBe(true);
    expect(buckets.take('a')).toBe(false);
    buckets.forget('a');
    expect(buckets.size).toBe(1);
  });
});
