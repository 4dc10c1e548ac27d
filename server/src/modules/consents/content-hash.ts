import { createHash } from 'node:crypto';

/** Line endings and Unicode forms normalized, so the same text always hashes the same. */
export const normalizeConsentText = (text: string) =>
  text.replace(/\r\n?/g, '\n').normalize('NFC').trim();

/**
 * What a signature attests to: SHA-256 (hex) over a canonical serialization of the
 * document, a JSON array in fixed order under a format tag. JSON quotes and escapes each
 * string, so no two different documents serialize alike (a title ending where the body
 * begins cannot shift text between them).
 */
export function consentContentHash(document: {
  kind: string;
  version: number;
  title: string;
  body: string;
}): string {
  const canonical = JSON.stringify([
    'openvisit-consent/1',
    document.kind,
    document.version,
    document.title,
    document.body,
  ]);
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
