import { hkdfSync } from 'node:crypto';

/**
 * A key for signing "known device" cookies, derived (HKDF-SHA256) from the current data
 * encryption key, so operators manage one secret and the two uses never share key bytes.
 */
export function deviceCookieKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'openvisit:known-device', 32));
}
