import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The `X-Twilio-Signature` Twilio puts on every webhook it sends: base64 of
 * HMAC-SHA1(auth token, the full URL Twilio called, then each POST parameter's name and
 * value, sorted by name, with no separators). Computing it ourselves is a few lines of the
 * platform's own HMAC, not home-made crypto; Twilio's SDK would add a dependency for it.
 */
export function twilioSignature(
  authToken: string,
  url: string,
  params: Readonly<Record<string, string>>,
): string {
  const hmac = createHmac('sha1', authToken);
  hmac.update(url, 'utf8');
  // Sorted by UTF-16 code unit, as Twilio's own libraries sort (byte order for ASCII names).
  for (const name of Object.keys(params).sort()) {
    hmac.update(name, 'utf8');
    hmac.update(params[name]!, 'utf8');
  }
  return hmac.digest('base64');
}

/**
 * True when `header` is the signature Twilio would have sent for this URL and these
 * parameters. Constant-time: the comparison does not reveal how much of a forged signature
 * was right. A missing or malformed header is simply false.
 */
export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: Readonly<Record<string, string>>,
  header: string | readonly string[] | undefined,
): boolean {
  if (typeof header !== 'string' || !authToken) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params), 'utf8');
  const given = Buffer.from(header, 'utf8');
  // timingSafeEqual needs equal lengths; an SHA-1 signature's length is public anyway.
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}
