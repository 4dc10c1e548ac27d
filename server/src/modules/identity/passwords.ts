import { hash, verify } from '@node-rs/argon2';

/** OWASP ASVS argon2id parameters: m=19 MiB, t=2, p=1 (~10 ms per hash here). */
export const argon2Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => hash(password, argon2Options);

// Verified when the account does not exist, so "no such user" takes as long as "wrong
// password" and response time reveals nothing.
let decoyHash: Promise<string> | undefined;

export async function verifyPassword(passwordHash: string | null | undefined, password: string) {
  if (!passwordHash) {
    decoyHash ??= hashPassword('decoy password that matches nothing');
    await verify(await decoyHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
