import { createHash } from 'node:crypto';

// Our own namespace for name-based ids (RFC 9562 UUIDv5); any fixed UUID would do.
const NAMESPACE = Buffer.from('6f0e2b7a4c1d4e8b9a3f5d2c1b0a9e8f', 'hex');

/**
 * A UUID derived from a name (RFC 9562 version 5): the same name always gives the same id.
 * A retried request that derives its new record's id this way lands on the same primary
 * key, so it cannot create a second row, and no table of keys needs keeping.
 */
export function nameBasedId(name: string): string {
  const bytes = createHash('sha1').update(NAMESPACE).update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
