import '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The session cookie. Over HTTPS it is `__Host-ov_session`: the prefix makes browsers
 * require Secure, Path=/ and no Domain, so no subdomain can plant or read it. Plain
 * http://localhost (development) cannot carry Secure cookies, so it uses a plain name.
 */
const SECURE_NAME = '__Host-ov_session';
const PLAIN_NAME = 'ov_session';

const isSecure = (request: FastifyRequest, production: boolean) =>
  production || request.protocol === 'https';

export function readSessionToken(request: FastifyRequest): string | undefined {
  const cookies = request.cookies;
  return cookies[SECURE_NAME] ?? cookies[PLAIN_NAME] ?? undefined;
}

export function setSessionCookie(
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
    sameSite: 'lax',
    expires: expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply, production: boolean) {
  const secure = isSecure(reply.request, production);
  void reply.clearCookie(secure ? SECURE_NAME : PLAIN_NAME, {
    path: '/',
    httpOnly: true,
    secure,
    sameSite: 'lax',
  });
}

/** Marks a device that signed in successfully (see login-throttle.ts); kept a year. */
const DEVICE_SECURE = '__Host-ov_device';
const DEVICE_PLAIN = 'ov_device';

export function readDeviceToken(request: FastifyRequest): string | undefined {
  return request.cookies[DEVICE_SECURE] ?? request.cookies[DEVICE_PLAIN] ?? undefined;
}

export function setDeviceCookie(reply: FastifyReply, token: string, production: boolean) {
  const secure = isSecure(reply.request, production);
  void reply.setCookie(secure ? DEVICE_SECURE : DEVICE_PLAIN, token, {
    path: '/',
    httpOnly: true,
    secure,
    sameSite: 'lax',
    maxAge: 365 * 24 * 60 * 60,
  });
}
