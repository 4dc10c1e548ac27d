import { randomInt } from 'node:crypto';
import { twilioSignature } from '../../platform/sms/twilio-signature.js';
import type { TestApp } from '../../testing/test-app.js';
import { SMS_WEBHOOK_PATH } from './sms-webhook-routes.js';

/** A US number in the 555 range no other test uses, in E.164. */
export const newMobileNumber = () => `+1555${String(randomInt(0, 10_000_000)).padStart(7, '0')}`;

/** Twilio settings for a test app: a valid-looking account and an API nobody listens on. */
export const testTwilioEnv = {
  TWILIO_ACCOUNT_SID: `AC${'5a'.repeat(16)}`,
  TWILIO_AUTH_TOKEN: 'test-twilio-auth-token-0c9e77d1',
  TWILIO_FROM: '+15550100100',
  TWILIO_API_URL: 'http://127.0.0.1:9',
};

/** The form fields Twilio posts for an incoming text (the ones that matter, and a few more). */
export function incomingText(from: string, body: string): Record<string, string> {
  return {
    ToCountry: 'US',
    SmsMessageSid: `SM${'c'.repeat(32)}`,
    NumMedia: '0',
    Body: body,
    From: from,
    To: testTwilioEnv.TWILIO_FROM,
    AccountSid: testTwilioEnv.TWILIO_ACCOUNT_SID,
    ApiVersion: '2010-04-01',
  };
}

/**
 * Posts an incoming text to the webhook as Twilio would: form-encoded and signed with the
 * app's auth token over its public URL (or with `signature` when a test forges one).
 */
export function postIncomingText(
  t: TestApp,
  params: Record<string, string>,
  options: { signature?: string | null; path?: string; headers?: Record<string, string> } = {},
) {
  const path = options.path ?? SMS_WEBHOOK_PATH;
  const signature =
    options.signature === undefined
      ? twilioSignature(testTwilioEnv.TWILIO_AUTH_TOKEN, `${t.config.publicUrl}${path}`, params)
      : options.signature;
  return t.app.inject({
    method: 'POST',
    url: path,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(signature === null ? {} : { 'x-twilio-signature': signature }),
      ...options.headers,
    },
    payload: new URLSearchParams(params).toString(),
  });
}
