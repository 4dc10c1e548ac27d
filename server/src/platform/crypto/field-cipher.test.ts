import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createFieldCipher, parseKeyRing } from './field-cipher.js';

const key = () => randomBytes(32).toString('base64');

describe('field cipher', () => {
  it('seals and opens, with a fresh IV each time', () => {
    const cipher = createFieldCipher(parseKeyRing(`k1:${key()}`));
    const a = cipher.seal('JBSWY3DPEHPK3PXP');
    const b = cipher.seal('JBSWY3DPEHPK3PXP');
    expect(a).not.toBe(b);
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(cipher.open(a)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('opens values sealed under an older key after rotation', () => {
    const old = `k1:${key()}`;
    const sealed = createFieldCipher(parseKeyRing(old)).seal('secret');
    const rotated = createFieldCipher(parseKeyRing(`k2:${key()},${old}`));
    expect(rotated.open(sealed)).toBe('secret');
    expect(rotated.seal('x').split('.')[1]).toBe('k2');
  });

  it('detects tampering and unknown keys', () => {
    const cipher = createFieldCipher(parseKeyRing(`k1:${key()}`));
    const sealed = cipher.seal('secret');
    const parts = sealed.split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => cipher.open(parts.join('.'))).toThrow();
    expect(() => createFieldCipher(parseKeyRing(`k9:${key()}`)).open(sealed)).toThrow(/key ring/);
  });

  it('refuses a shortened authentication tag', () => {
    const cipher = createFieldCipher(parseKeyRing(`k1:${key()}`));
    const parts = cipher.seal('secret').split('.');
    parts[3] = Buffer.from(parts[3]!, 'base64url').subarray(0, 4).toString('base64url');
    expect(() => cipher.open(parts.join('.'))).toThrow(/malformed/);
  });

  it('refuses keys of the wrong size', () => {
    expect(() => parseKeyRing('k1:c2hvcnQ=')).toThrow(/32 bytes/);
  });
});

describe('field cipher context', () => {
  it('binds a value to its context: moved elsewhere, it no longer opens', () => {
    const cipher = createFieldCipher(parseKeyRing(`k1:${key()}`));
    const sealed = cipher.seal('W123456789', 'insurance-member-id:policy-a');
    expect(cipher.open(sealed, 'insurance-member-id:policy-a')).toBe('W123456789');
    expect(() => cipher.open(sealed, 'insurance-member-id:policy-b')).toThrow();
    expect(() => cipher.open(sealed)).toThrow();
    expect(cipher.keyIdOf(sealed)).toBe('k1');
    expect(cipher.isCurrent(sealed)).toBe(true);
  });
});
