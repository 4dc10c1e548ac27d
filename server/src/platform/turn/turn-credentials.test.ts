import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock, systemClock } from '../clock.js';
import {
  startCoturn,
  tryAllocation,
  turnserverPath,
  uclientPath,
  type RunningCoturn,
} from './coturn.js';
import { iceServersFor, type IceConfig } from './turn-credentials.js';

const secret = 'north-wind-turn-secret-0123456789abcdef';
const userId = '5f0c7f8e-3c1a-4d8b-9a57-0c6a2f1e9b10';
const at = (iso: string) => ({ now: () => new Date(iso) });

const config: IceConfig = {
  stunUrls: ['stun:turn.clinic.test:3478'],
  transportPolicy: 'all',
  turn: {
    urls: ['turn:turn.clinic.test:3478?transport=udp', 'turns:turn.clinic.test:443?transport=tcp'],
    secret,
    credentialTtlSeconds: 3600,
  },
};

function turnEntry(servers: ReturnType<typeof iceServersFor>) {
  const entry = servers.iceServers.find((s) => s.username);
  if (!entry?.username || !entry.credential) throw new Error('no TURN entry');
  return { username: entry.username, credential: entry.credential };
}

describe('TURN REST API credentials', () => {
  it('signs `<expiry>:<user id>` with HMAC-SHA1 of the shared secret, STUN first', () => {
    // 2026-03-08T12:00:00Z is 1772971200; one hour later 1772974800.
    const servers = iceServersFor(config, at('2026-03-08T12:00:00.750Z'), userId);
    expect(servers).toEqual({
      iceServers: [
        { urls: ['stun:turn.clinic.test:3478'] },
        {
          urls: config.turn!.urls,
          username: `1772974800:${userId}`,
          // Computed outside this code, with `openssl dgst -sha1 -hmac <secret> -binary | base64`.
          credential: 'DremLQ/KLbc1rC8MOYLV8JpqP/M=',
        },
      ],
      expiresAt: '2026-03-08T13:00:00.000Z',
      iceTransportPolicy: 'all',
    });
    const expected = createHmac('sha1', Buffer.from(secret, 'utf8'))
      .update(Buffer.from(`1772974800:${userId}`, 'utf8'))
      .digest();
    expect(Buffer.from(turnEntry(servers).credential, 'base64')).toEqual(expected);
  });

  it('expires after the configured TTL, counted from the clock', () => {
    const clock = manualClock(new Date('2026-11-01T05:30:00Z'));
    const short = { ...config, turn: { ...config.turn!, credentialTtlSeconds: 120 } };
    const first = iceServersFor(short, clock, userId);
    expect(first.expiresAt).toBe('2026-11-01T05:32:00.000Z');
    expect(turnEntry(first).username).toBe(
      `${Date.parse('2026-11-01T05:32:00Z') / 1000}:${userId}`,
    );

    clock.advance(90_000);
    const later = iceServersFor(short, clock, userId);
    expect(later.expiresAt).toBe('2026-11-01T05:33:30.000Z');
    expect(turnEntry(later).credential).not.toBe(turnEntry(first).credential);
    // Another person at the same moment gets a credential of their own.
    expect(turnEntry(iceServersFor(short, clock, 'someone-else')).credential).not.toBe(
      turnEntry(later).credential,
    );
  });

  it('answers STUN only, or nothing, when no TURN server is configured', () => {
    expect(
      iceServersFor({ ...config, turn: undefined }, at('2026-03-08T12:00:00Z'), userId),
    ).toEqual({
      iceServers: [{ urls: ['stun:turn.clinic.test:3478'] }],
      expiresAt: null,
      iceTransportPolicy: 'all',
    });
    expect(
      iceServersFor(
        { stunUrls: [], transportPolicy: 'all', turn: undefined },
        at('2026-03-08T12:00:00Z'),
        userId,
      ),
    ).toEqual({ iceServers: [], expiresAt: null, iceTransportPolicy: 'all' });
  });

  it('passes the relay-only policy on to the browser', () => {
    expect(
      iceServersFor({ ...config, transportPolicy: 'relay' }, at('2026-03-08T12:00:00Z'), userId)
        .iceTransportPolicy,
    ).toBe('relay');
  });

  it('refuses a user id that would change where coturn reads the expiry', () => {
    for (const bad of ['', 'a:b', 'has space', 'x'.repeat(129)]) {
      expect(() => iceServersFor(config, at('2026-03-08T12:00:00Z'), bad), bad).toThrow(
        /TURN user id/,
      );
    }
  });
});

if (!turnserverPath || !uclientPath) {
  console.warn(
    'turn-credentials.test.ts: coturn is not installed (apt-get install coturn); skipping the relay tests',
  );
}

describe.skipIf(!turnserverPath || !uclientPath)(
  'credentials against a real coturn (Debian coturn)',
  () => {
    let coturn: RunningCoturn;

    beforeAll(async () => {
      coturn = await startCoturn();
    });

    afterAll(async () => {
      await coturn?.stop();
    });

    /** coturn's verbose log has a line per request: `user <name>: ... processed, error 401: ...`. */
    const refusedByCoturn = (username: string) =>
      coturn
        .log()
        .split('\n')
        .some((line) => line.includes(`user <${username}>:`) && line.includes('error 401'));

    it('allocates relays over UDP and TCP with fresh credentials', async () => {
      const credentials = turnEntry(iceServersFor(coturn.ice, systemClock, userId));
      const results = await Promise.all(
        (['udp', 'tcp'] as const).map((transport) =>
          tryAllocation(coturn.port, credentials, { transport }),
        ),
      );
      for (const result of results) {
        expect(result.relayed, result.output).toBe(true);
        expect(result.relayAddresses.every((a) => a.startsWith('127.0.0.1:'))).toBe(true);
        expect(result.messagesReceived).toBeGreaterThan(0);
      }
    });

    it('is refused (401) once the credential has expired', async () => {
      // Issued two hours ago with a one-hour TTL: expired an hour ago.
      const issuedAt = new Date(Date.now() - 2 * 3600_000);
      const expired = iceServersFor(coturn.ice, { now: () => issuedAt }, userId);
      expect(Date.parse(expired.expiresAt!)).toBeLessThan(Date.now());
      const credentials = turnEntry(expired);

      const result = await tryAllocation(coturn.port, credentials, { timeoutMs: 10_000 });
      expect(result.relayed, result.output).toBe(false);
      expect(result.relayAddresses).toEqual([]);
      expect(refusedByCoturn(credentials.username)).toBe(true);
    });

    it('is refused when signed with another secret', async () => {
      const forged = turnEntry(
        iceServersFor(
          { ...coturn.ice, turn: { ...coturn.ice.turn!, secret: 'f'.repeat(64) } },
          systemClock,
          'forger',
        ),
      );
      const result = await tryAllocation(coturn.port, forged, { timeoutMs: 10_000 });
      expect(result.relayed, result.output).toBe(false);
      expect(refusedByCoturn(forged.username)).toBe(true);
    });
  },
);
