import '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

/*
 * A visit guest's cookie: the only credential of someone without an account, good for one
 * visit. Over HTTPS it is `__Host-ov_guest` (Secure, Path=/, no Domain, like the session
 * cookie); on plain http://localhost `ov_guest`. SameSite=Strict: a guest never arrives by
 * a cross-site navigation that needs it (the invite link carries its own token). Only the
 * guest routes and guest sockets read it; to every other route it is no session at all.
 */
const SECURE_NAME = '__Host-ov_guest';
const PLAIN_NAME = 'ov_guest';

const isSecure = (request: FastifyRequest, production: boolean) =>
  production || request.protocol === 'https';

/** The guest token among parsed cookies (HTTP requests and socket handshakes alike). */
export function readGuestToken(cookies: Record<string, string | undefined>): string | undefined {
  return cookies[SECURE_NAME] ?? cookies[PLAIN_NAME] ?? undefined;
}

export function setGuestCookie(
  reply: FastifyReply,
  token: string,
  expiresAt: Date,
  production: boolean,
) {
  const secure = isSecure(reply.request, production);
  void reply.setCookie(secure ? SECURE_NAME : PLAIN_NAME, token, {
    path: '/',
    httpOnly: true,
    secure,
    sameSite: 'strict',
    expires: expiresAt,
  });
}
