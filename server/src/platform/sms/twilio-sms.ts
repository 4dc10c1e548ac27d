import { assertValidSms, E164, SmsError, type OutgoingSms, type SmsTransport } from './sms.js';

export interface TwilioSmsOptions {
  /** `AC…`: the account (or subaccount) that sends. */
  accountSid: string;
  /** The account's auth token; also what Twilio signs its webhooks with. */
  authToken: string;
  /** The sending number in E.164 form, or a Messaging Service SID (`MG…`). */
  from: string;
  /** Twilio's REST API; a test points it at a local server. Default https://api.twilio.com. */
  apiUrl?: string | undefined;
  /** Longest one send may take, connecting included. */
  sendTimeoutMs?: number;
}

export const TWILIO_API_URL = 'https://api.twilio.com';
const DEFAULT_SEND_TIMEOUT_MS = 15_000;
const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const MESSAGING_SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;

/**
 * Sends through Twilio's Messages API (one HTTPS POST per text). Nothing about a message
 * (number, body) is ever logged or put in an error: Twilio's error messages often quote
 * the number ("The 'To' number +1555… is not a valid phone number"), so only its numeric
 * error code and the HTTP status are kept.
 */
export function createTwilioSms(options: TwilioSmsOptions): SmsTransport {
  assertValidTwilioSettings(options);
  const apiUrl = (options.apiUrl ?? TWILIO_API_URL).replace(/\/+$/, '');
  const endpoint = `${apiUrl}/2010-04-01/Accounts/${options.accountSid}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;
  const sender: Record<string, string> = options.from.startsWith('MG')
    ? { MessagingServiceSid: options.from }
    : { From: options.from };
  const sendTimeoutMs = options.sendTimeoutMs ?? DEFAULT_SEND_TIMEOUT_MS;
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  async function deliver(message: OutgoingSms): Promise<void> {
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: 'POST',
        headers: {
          authorization,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ To: message.to, Body: message.body, ...sender }),
        // A redirect would carry our credentials somewhere we did not choose.
        redirect: 'error',
        signal: AbortSignal.timeout(sendTimeoutMs),
      });
    } catch (err) {
      throw networkError(err);
    }
    // Read the whole answer either way, so the connection goes back to the pool.
    const answer = await response.text().catch(() => '');
    if (response.ok) return;
    throw twilioError(response.status, answer);
  }

  return {
    kind: 'twilio',
    async send(message: OutgoingSms) {
      assertValidSms(message);
      if (closed) throw new SmsError('closed', 'The SMS sender is closed');
      const delivery = deliver(message);
      inFlight.add(delivery);
      try {
        await delivery;
      } finally {
        inFlight.delete(delivery);
      }
    },
    /** Lets sends already under way finish (each is bounded by sendTimeoutMs). */
    async close() {
      closed = true;
      await Promise.allSettled([...inFlight]);
    },
  };
}

/** Refuses settings Twilio would refuse anyway; errors never repeat the auth token. */
export function assertValidTwilioSettings(options: TwilioSmsOptions): void {
  if (!ACCOUNT_SID.test(options.accountSid)) {
    throw new SmsError('invalid-config', 'Twilio account SID must be AC followed by 32 hex digits');
  }
  if (!options.authToken || /\s/.test(options.authToken)) {
    throw new SmsError('invalid-config', 'Twilio auth token must be set, without spaces');
  }
  if (!E164.test(options.from) && !MESSAGING_SERVICE_SID.test(options.from)) {
    throw new SmsError(
      'invalid-config',
      'Twilio sender must be a number in E.164 form or a Messaging Service SID (MG…)',
    );
  }
  if (options.apiUrl !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(options.apiUrl);
    } catch {
      parsed = undefined;
    }
    if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      throw new SmsError('invalid-config', 'Twilio API URL must be an http:// or https:// URL');
    }
  }
}

/** Twilio answers errors as `{ code, message, status, more_info }`; keep the numbers only. */
function twilioError(status: number, answer: string): SmsError {
  let errorCode: number | undefined;
  try {
    const parsed = JSON.parse(answer) as { code?: unknown };
    if (typeof parsed.code === 'number' && Number.isInteger(parsed.code)) errorCode = parsed.code;
  } catch {
    // Not JSON (a proxy's error page): the HTTP status is all we keep.
  }
  const summary = [errorCode === undefined ? undefined : `Twilio ${errorCode}`, `HTTP ${status}`]
    .filter(Boolean)
    .join(', ');
  return new SmsError('delivery-failed', `Text delivery failed (${summary})`, {
    ...(errorCode === undefined ? {} : { errorCode }),
    status,
  });
}

// fetch's errors wrap the socket error in `cause`; keep its code, never the error itself
// (its message and stack can name the URL, and with it the account).
function networkError(err: unknown): SmsError {
  const error = err as { name?: unknown; cause?: { code?: unknown } } | undefined;
  const networkCode =
    error?.name === 'TimeoutError'
      ? 'ETIMEDOUT'
      : typeof error?.cause?.code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(error.cause.code)
        ? error.cause.code
        : undefined;
  return new SmsError(
    'delivery-failed',
    `Text delivery failed${networkCode ? ` (${networkCode})` : ''}`,
    networkCode ? { networkCode } : {},
  );
}
