import { describe, expect, it } from 'vitest';
import { twilioSignature, verifyTwilioSignature } from './twilio-signature.js';

/*
 * Twilio's own published examples (a voice webhook, but the scheme is the same for every
 * webhook): auth token 12345, the URL with its query string, five POST parameters.
 * - twilio-php's "Validate Incoming Requests" guide (docs/usage/validation.rst):
 *   Caller/From +14158675309 → RSOYDt4T1cUTdK1PDd93/VVr8B8=
 * - Twilio's security guide (twilio.com/docs/usage/security, "Validating requests"), as
 *   quoted by several client libraries' tests: Caller/From +12349013030 →
 *   0/KCTR6DLpKmkAf8muzZqo1nDgQ=
 */
const authToken = '12345';
const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const documented = (caller: string) => ({
  CallSid: 'CA1234567890ABCDE',
  Caller: caller,
  Digits: '1234',
  From: caller,
  To: '+18005551212',
});

describe('Twilio webhook signature', () => {
  it('matches the signatures in Twilio’s documentation', () => {
    expect(twilioSignature(authToken, url, documented('+14158675309'))).toBe(
      'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
    );
    expect(twilioSignature(authToken, url, documented('+12349013030'))).toBe(
      '0/KCTR6DLpKmkAf8muzZqo1nDgQ=',
    );
  });

  it('sorts the parameters by name, whatever order they came in', () => {
    const params = documented('+14158675309');
    const reversed = Object.fromEntries(Object.entries(params).reverse());
    expect(twilioSignature(authToken, url, reversed)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('accepts the documented signature', () => {
    expect(
      verifyTwilioSignature(
        authToken,
        url,
        documented('+14158675309'),
        'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
      ),
    ).toBe(true);
  });

  it('refuses a signature for anything else: token, URL, a parameter, a missing header', () => {
    const params = documented('+14158675309');
    const signature = 'RSOYDt4T1cUTdK1PDd93/VVr8B8=';
    expect(verifyTwilioSignature('12346', url, params, signature)).toBe(false);
    expect(verifyTwilioSignature(authToken, `${url}&baz=3`, params, signature)).toBe(false);
    expect(verifyTwilioSignature(authToken, url.replace('https', 'http'), params, signature)).toBe(
      false,
    );
    expect(verifyTwilioSignature(authToken, url, { ...params, Digits: '1235' }, signature)).toBe(
      false,
    );
    expect(verifyTwilioSignature(authToken, url, { ...params, Body: 'STOP' }, signature)).toBe(
      false,
    );
    expect(verifyTwilioSignature(authToken, url, params, undefined)).toBe(false);
    expect(verifyTwilioSignature(authToken, url, params, '')).toBe(false);
    expect(verifyTwilioSignature(authToken, url, params, [signature, signature])).toBe(false);
    expect(verifyTwilioSignature(authToken, url, params, signature.slice(0, -1))).toBe(false);
    expect(verifyTwilioSignature(authToken, url, params, `${signature}=`)).toBe(false);
    // One changed character of the right length.
    expect(verifyTwilioSignature(authToken, url, params, `S${signature.slice(1)}`)).toBe(false);
    // Without a token nothing verifies, not even a signature made with an empty key.
    expect(verifyTwilioSignature('', url, params, twilioSignature('', url, params))).toBe(false);
  });

  it('signs parameters with non-ASCII text as UTF-8', () => {
    const params = { Body: 'Arrêt ✋', From: '+15550123456' };
    const signature = twilioSignature(authToken, url, params);
    expect(verifyTwilioSignature(authToken, url, params, signature)).toBe(true);
    expect(verifyTwilioSignature(authToken, url, { ...params, Body: 'Arret ✋' }, signature)).toBe(
      false,
    );
  });
});
