import { createHash, randomBytes } from 'node:crypto';

/** 256 bits from the OS CSPRNG, URL-safe: session cookies and emailed links. */
export const newSecretToken = () => randomBytes(32).toString('base64url');

/** Tokens are stored only as hashes; a leaked table cannot be replayed. */
export const hashSecretToken = (token: string) => createHash('sha256').update(token).digest('hex');
