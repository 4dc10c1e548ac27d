import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Field-level encryption for the few values that must stay secret even from someone who
 * reads the database (TOTP secrets now; insurance member ids later): AES-256-GCM with a
 * key ring. Each value records the id of the key that sealed it, so keys can be rotated:
 * the first key seals, every listed key opens.
 *
 * Sealed format: `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts).
 */
export interface FieldCipher {
  /**
   * `context` names where the value belongs (e.g. `insurance-member-id:<policy id>`); it is
   * authenticated, so a sealed value copied into another row or column fails to open.
   */
  seal(plaintext: string, context?: string): string;
  open(sealed: string, context?: string): string;
  /** The key id that sealed a value (for rotation reports), without opening it. */
  keyIdOf(sealed: string): string | undefined;
  /** Whether a value is sealed under the current (first) key. */
  isCurrent(sealed: string): boolean;
}

/** What the cipher authenticates beside the ciphertext: the key id, and the context. */
const additionalData = (keyId: string, context: string | undefined) =>
  Buffer.from(context === undefined ? keyId : `${keyId}\u0000${context}`);

export interface KeyRingEntry {
  id: string;
  key: Buffer;
}

/** Parses `id:base64key,id2:base64key2`; each key must decode to 32 bytes. */
export function parseKeyRing(spec: string): KeyRingEntry[] {
  const entries = spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [id, encoded] = part.split(':');
      if (!id || !encoded || !/^[A-Za-z0-9_-]{1,32}$/.test(id)) {
        throw new Error('each key must be written id:base64 with a short alphanumeric id');
      }
      const key = Buffer.from(encoded, 'base64');
      if (key.length !== 32)
        throw new Error(`key ${id} must be 32 bytes (base64 of 32 random bytes)`);
      return { id, key };
    });
  if (!entries.length) throw new Error('at least one key is required');
  return entries;
}

export function createFieldCipher(ring: KeyRingEntry[]): FieldCipher {
  const current = ring[0]!;
  const byId = new Map(ring.map((entry) => [entry.id, entry.key]));
  return {
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      // The key id is authenticated too: a value cannot be moved under another key's name.
      cipher.setAAD(additionalData(current.id, context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
      return ['v1', current.id, ...parts].join('.');
    },
    open(sealed, context) {
      const [version, keyId, iv, tag, body] = sealed.split('.');
      const key = keyId ? byId.get(keyId) : undefined;
      if (version !== 'v1' || !key || !iv || !tag || body === undefined) {
        throw new Error('sealed value is malformed or its key is not in the key ring');
      }
      const ivBytes = Buffer.from(iv, 'base64url');
      const tagBytes = Buffer.from(tag, 'base64url');
      // GCM accepts truncated tags unless told otherwise: a 4-byte tag would make a forged
      // value a 2^32 search. Only the full 16-byte tag and the 12-byte IV we write are valid.
      if (ivBytes.length !== 12 || tagBytes.length !== 16) {
        throw new Error('sealed value is malformed');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: 16 });
      decipher.setAAD(additionalData(keyId!, context));
      decipher.setAuthTag(tagBytes);
      return Buffer.concat([
        decipher.update(Buffer.from(body, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    },
    keyIdOf(sealed) {
      const [version, keyId] = sealed.split('.');
      return version === 'v1' ? keyId : undefined;
    },
    isCurrent(sealed) {
      return sealed.startsWith(`v1.${current.id}.`);
    },
  };
}
