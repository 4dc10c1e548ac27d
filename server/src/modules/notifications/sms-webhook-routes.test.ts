import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { twilioSignature } from '../../platform/sms/twilio-signature.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { signedInCookie } from '../../testing/sessions.js';
import { queryRows } from '../../testing/sql-rows.js';
import { buildTestApp, sameOrigin, type TestApp } from '../../testing/test-app.js';
import {
  incomingText,
  newMobileNumber,
  postIncomingText,
  testTwilioEnv,
} from './notifications-test-kit.js';
import { createNotificationPreferences } from './preferences-service.js';
import { createSmsOptOuts } from './sms-opt-outs.js';
import { SMS_WEBHOOK_PATH } from './sms-webhook-routes.js';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

describe('Twilio incoming-text webhook', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp({
      env: {
        ...testTwilioEnv,
        PUBLIC_URL: 'https://visit.clinic.example',
        RATE_LIMIT_MAX: '100000',
      },
    });
    await t.app.ready();
  });
  afterAll(() => t.close());
  const db = () => t.testDatabase.database.db;
  const optOuts = () => createSmsOptOuts(db());

  /** A signed-in patient who gets texts at their own new number. */
  async function textingPatient() {
    const person = await makePerson(db(), (await makeClinic(db())).id, 'patient');
    const number = newMobileNumber();
    await createNotificationPreferences(db()).update(person.id, {
      emailEnabled: true,
      smsEnabled: true,
      smsNumber: number,
    });
    const { cookie } = await signedInCookie(t, person.id);
    const putPreferences = (payload: Record<string, unknown>) =>
      t.app.inject({
        method: 'PUT',
        url: '/api/me/notification-preferences',
        headers: { ...sameOrigin, cookie },
        payload,
      });
    return { person, number, putPreferences };
  }

  const expectEmptyTwiml = (res: Awaited<ReturnType<typeof postIncomingText>>) => {
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/xml/);
    expect(res.body).toBe(EMPTY_TWIML);
  };

  it('opts the number out on a signed STOP; texts cannot be turned back on until START', async () => {
    const { person, number, putPreferences } = await textingPatient();

    const res = await postIncomingText(t, incomingText(number, 'STOP'));
    expectEmptyTwiml(res);
    expect(await optOuts().isOptedOut(number)).toBe(true);
    expect(await createNotificationPreferences(db()).get(person.id)).toEqual({
      emailEnabled: true,
      smsEnabled: false,
      smsNumber: number,
    });

    // The patient's settings changed without them: the trail says so, with ids only.
    await t.auditWriter.flush();
    const events = await queryRows<Record<string, unknown>>(
      db(),
      sql`select action, resource_type, resource_id, actor_user_id, outcome from audit_events
          where request_id = ${res.headers['x-request-id'] as string}`,
    );
    expect(events).toEqual([
      {
        action: 'update',
        resource_type: 'notification-preferences',
        resource_id: person.id,
        actor_user_id: null,
        outcome: 'allowed',
      },
    ]);

    const refused = await putPreferences({
      emailEnabled: true,
      smsEnabled: true,
      smsNumber: number,
    });
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json()).toMatchObject({ type: '/problems/sms-opted-out' });

    expectEmptyTwiml(await postIncomingText(t, incomingText(number, 'START')));
    expect(await optOuts().isOptedOut(number)).toBe(false);
    // START lifts the block; the person turns texts back on themselves.
    expect((await createNotificationPreferences(db()).get(person.id)).smsEnabled).toBe(false);
    const accepted = await putPreferences({
      emailEnabled: true,
      smsEnabled: true,
      smsNumber: number,
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ smsEnabled: true, smsOptedOut: false });
  });

  it('knows every opt-out and opt-in keyword, in any letter case, with spaces around', async () => {
    for (const keyword of ['stop', ' Stop ', 'STOPALL', 'unsubscribe', 'Cancel', 'END', 'quit\n']) {
      const number = newMobileNumber();
      expectEmptyTwiml(await postIncomingText(t, incomingText(number, keyword)));
      expect(await optOuts().isOptedOut(number), JSON.stringify(keyword)).toBe(true);
    }
    for (const keyword of ['start', 'Yes', ' UNSTOP ']) {
      const number = newMobileNumber();
      await optOuts().optOut(number, 'STOP');
      expectEmptyTwiml(await postIncomingText(t, incomingText(number, keyword)));
      expect(await optOuts().isOptedOut(number), JSON.stringify(keyword)).toBe(false);
    }
  });

  it('changes nothing for any other text, and neither stores nor logs what it said', async () => {
    const { person, number } = await textingPatient();
    const said = 'Please stop the chest pain meds canary-7d1f';
    for (const body of [said, 'STOP NOW', 'stopp', 'HELP', '']) {
      expectEmptyTwiml(await postIncomingText(t, incomingText(number, body)));
    }
    expect(await optOuts().isOptedOut(number)).toBe(false);
    expect((await createNotificationPreferences(db()).get(person.id)).smsEnabled).toBe(true);
    expect(t.rawLogs.join('\n')).not.toContain('canary-7d1f');
    expect(t.rawLogs.join('\n')).not.toContain(number.slice(2));
  });

  it('ignores STOP from a sender that is not a phone number', async () => {
    for (const from of ['whatsapp:+15550107777', '12345', '']) {
      expectEmptyTwiml(await postIncomingText(t, incomingText(from, 'STOP')));
    }
    // A signed form with no fields at all is answered the same way.
    expectEmptyTwiml(await postIncomingText(t, {}));
    const [row] = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int as n from sms_opt_outs
          where phone_number in ('whatsapp:+15550107777', '12345', '')`,
    );
    expect(row!.n).toBe(0);
  });

  it('refuses a missing or wrong signature with 403 problem+json and changes nothing', async () => {
    const { person, number } = await textingPatient();
    const params = incomingText(number, 'STOP');
    const publicUrl = 'https://visit.clinic.example';
    const forgeries: (string | null)[] = [
      null,
      '',
      'not-a-signature',
      twilioSignature('some-other-token', `${publicUrl}${SMS_WEBHOOK_PATH}`, params),
      // Signed for another address, or over other fields than the ones sent.
      twilioSignature(
        testTwilioEnv.TWILIO_AUTH_TOKEN,
        `http://localhost:3000${SMS_WEBHOOK_PATH}`,
        params,
      ),
      twilioSignature(testTwilioEnv.TWILIO_AUTH_TOKEN, `${publicUrl}${SMS_WEBHOOK_PATH}`, {
        ...params,
        Body: 'HELLO',
      }),
    ];
    for (const signature of forgeries) {
      const res = await postIncomingText(t, params, { signature });
      expect(res.statusCode, JSON.stringify(signature)).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ type: '/problems/forbidden' });
    }
    expect(await optOuts().isOptedOut(number)).toBe(false);
    expect((await createNotificationPreferences(db()).get(person.id)).smsEnabled).toBe(true);
  });

  it('signs over the query string too, as Twilio does', async () => {
    const number = newMobileNumber();
    const path = `${SMS_WEBHOOK_PATH}?clinic=main`;
    expectEmptyTwiml(await postIncomingText(t, incomingText(number, 'STOP'), { path }));
    expect(await optOuts().isOptedOut(number)).toBe(true);

    const other = newMobileNumber();
    const signedWithoutQuery = twilioSignature(
      testTwilioEnv.TWILIO_AUTH_TOKEN,
      `https://visit.clinic.example${SMS_WEBHOOK_PATH}`,
      incomingText(other, 'STOP'),
    );
    const res = await postIncomingText(t, incomingText(other, 'STOP'), {
      path,
      signature: signedWithoutQuery,
    });
    expect(res.statusCode).toBe(403);
    expect(await optOuts().isOptedOut(other)).toBe(false);
  });

  it('needs no session or CSRF header, and accepts a charset on the form', async () => {
    const number = newMobileNumber();
    const res = await postIncomingText(t, incomingText(number, 'STOP'), {
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    });
    expectEmptyTwiml(res);
    expect(await optOuts().isOptedOut(number)).toBe(true);
  });

  it('accepts only a form of reasonable size', async () => {
    const number = newMobileNumber();
    const params = incomingText(number, 'STOP');
    const signature = twilioSignature(
      testTwilioEnv.TWILIO_AUTH_TOKEN,
      `https://visit.clinic.example${SMS_WEBHOOK_PATH}`,
      params,
    );
    const asJson = await t.app.inject({
      method: 'POST',
      url: SMS_WEBHOOK_PATH,
      headers: { 'content-type': 'application/json', 'x-twilio-signature': signature },
      payload: JSON.stringify(params),
    });
    expect(asJson.statusCode).toBe(415);
    expect(asJson.headers['content-type']).toMatch(/^application\/problem\+json/);

    const huge = await postIncomingText(t, { ...params, Body: 'x'.repeat(70 * 1024) });
    expect(huge.statusCode).toBe(413);
    expect(await optOuts().isOptedOut(number)).toBe(false);
  });
});

describe('Twilio incoming-text webhook without Twilio configured', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
    await t.app.ready();
  });
  afterAll(() => t.close());

  it('is not there (404), whatever is sent', async () => {
    const number = newMobileNumber();
    const res = await postIncomingText(t, incomingText(number, 'STOP'));
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await createSmsOptOuts(t.testDatabase.database.db).isOptedOut(number)).toBe(false);
  });
});
