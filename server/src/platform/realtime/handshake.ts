import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import { readSessionToken } from '../../modules/identity/session-cookie.js';

/**
 * What the realtime layer reads from a socket's opening request, by the same rules the
 * HTTP side applies (Fastify's trustProxy semantics, the CSRF origin rule, the session
 * cookie's names).
 */

type TrustProxy = boolean | number;

/** Whether the hop-th address from our side is a proxy we trust (what proxy-addr does). */
const trusts = (setting: TrustProxy, hop: number) =>
  typeof setting === 'number' ? hop < setting : setting;

const lastEntry = (value: string) => value.slice(value.lastIndexOf(',') + 1).trim();

const header = (request: IncomingMessage, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

/** `a=1; b=2` → { a: '1', b: '2' } (the first of a repeated name, as RFC 6265 parsers do). */
function parseCookies(raw: string): Record<string, string> {
  const cookies = Object.create(null) as Record<string, string>;
  for (const pair of raw.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const name = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (name && !(name in cookies)) {
      try {
        cookies[name] = decodeURIComponent(value);
      } catch {
        cookies[name] = value;
      }
    }
  }
  return cookies;
}

/** The cookies of the opening request (none: an empty record). */
export function cookiesOf(request: IncomingMessage): Record<string, string> {
  const raw = header(request, 'cookie');
  return raw ? parseCookies(raw) : (Object.create(null) as Record<string, string>);
}

/** The session token from the cookie header: the same cookie names HTTP reads. */
export function sessionTokenOf(request: IncomingMessage): string | undefined {
  const raw = header(request, 'cookie');
  if (!raw) return undefined;
  // readSessionToken only reads `cookies`; the names stay defined in one place.
  return readSessionToken({ cookies: parseCookies(raw) } as FastifyRequest);
}

/** This server's own origin as the browser sees it (behind trusted proxies: theirs). */
export function ownOrigin(request: IncomingMessage, trustProxy: TrustProxy): string {
  const forwardedHost = header(request, 'x-forwarded-host');
  const forwardedProto = header(request, 'x-forwarded-proto');
  const viaProxy = trusts(trustProxy, 0);
  const host = viaProxy && forwardedHost ? lastEntry(forwardedHost) : (request.headers.host ?? '');
  const protocol =
    viaProxy && forwardedProto
      ? lastEntry(forwardedProto)
      : (request.socket as TLSSocket).encrypted
        ? 'https'
        : 'http';
  return `${protocol}://${host}`;
}

/**
 * The CSRF rule (platform/csrf.ts) for the socket's opening request: an Origin naming this
 * server or an allowlisted origin. Browsers always send Origin on a WebSocket handshake, so
 * a missing one is refused as well; a cross-site page cannot open a socket with our cookie.
 */
export function originAllowed(
  request: IncomingMessage,
  allowedOrigins: readonly string[],
  trustProxy: TrustProxy,
): boolean {
  const origin = header(request, 'origin');
  if (!origin) return false;
  return origin === ownOrigin(request, trustProxy) || allowedOrigins.includes(origin);
}

/** The client's address, walking X-Forwarded-For through trusted proxies only. */
export function clientIp(request: IncomingMessage, trustProxy: TrustProxy): string | undefined {
  const direct = request.socket.remoteAddress;
  const forwarded = header(request, 'x-forwarded-for');
  if (!direct || !forwarded) return direct;
  const addresses = [
    direct,
    ...forwarded
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean)
      .reverse(),
  ];
  let hop = 0;
  while (hop < addresses.length - 1 && trusts(trustProxy, hop)) hop += 1;
  return addresses[hop];
}
