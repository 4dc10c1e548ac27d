import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.js';
import { newMobileNumber } from './notifications-test-kit.js';
import { createNotificationPreferences, type NotificationChoice } from './preferences-service.js';
import { createSmsOptOuts } from './sms-opt-outs.js';

describe('notification preferences', () => {
  let d: TestDatabase;
  beforeAll(async () => {
    d = await createTestDatabase();
  });
  afterAll(() => d.drop());
  const db = () => d.database.db;
  const patient = async () => makePerson(db(), (await makeClinic(db())).id, 'patient');
  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (err: unknown) => err as AppError,
    );

  it('starts with email on, texts off and no number', async () => {
    const person = await patient();
    expect(await createNotificationPreferences(db()).get(person.id)).toEqual({
      emailEnabled: true,
      smsEnabled: false,
      smsNumber: null,
    });
  });

  it('saves the choice with the number in E.164, however it was typed', async () => {
    const person = await patient();
    const preferences = createNotificationPreferences(db());
    const typedForms: [string, string][] = [
      ['+1 (555) 123-4567', '+15551234567'],
      ['555.123.4567', '+15551234567'],
      ['1 555 123 4567', '+15551234567'],
      [' +44 20 7946 0958 ', '+442079460958'],
    ];
    for (const [typed, stored] of typedForms) {
      const saved = await preferences.update(person.id, {
        emailEnabled: false,
        smsEnabled: true,
        smsNumber: typed,
      });
      expect(saved).toEqual({ emailEnabled: false, smsEnabled: true, smsNumber: stored });
      expect(await preferences.get(person.id)).toEqual(saved);
    }
  });

  it('keeps a number with texts off, and clears it when emptied', async () => {
    const person = await patient();
    const preferences = createNotificationPreferences(db());
    const number = newMobileNumber();
    expect(
      await preferences.update(person.id, {
        emailEnabled: true,
        smsEnabled: false,
        smsNumber: number,
      }),
    ).toEqual({ emailEnabled: true, smsEnabled: false, smsNumber: number });
    expect(
      await preferences.update(person.id, {
        emailEnabled: true,
        smsEnabled: false,
        smsNumber: '  ',
      }),
    ).toEqual({ emailEnabled: true, smsEnabled: false, smsNumber: null });
  });

  it('refuses texts without a valid number, changing nothing', async () => {
    const person = await patient();
    const preferences = createNotificationPreferences(db());
    const before = await preferences.get(person.id);
    const attempts: NotificationChoice[] = [
      { emailEnabled: true, smsEnabled: true, smsNumber: null },
      { emailEnabled: true, smsEnabled: true, smsNumber: '' },
      { emailEnabled: true, smsEnabled: true, smsNumber: '555-0100' },
      { emailEnabled: true, smsEnabled: true, smsNumber: '+0 555 123 4567' },
      { emailEnabled: true, smsEnabled: false, smsNumber: 'call me maybe' },
      { emailEnabled: true, smsEnabled: true, smsNumber: '+1555123456789012' },
    ];
    for (const attempt of attempts) {
      const error = await failureOf(preferences.update(person.id, attempt));
      expect(error, JSON.stringify(attempt)).toBeInstanceOf(AppError);
      expect(error!.code).toBe('validation');
      expect(error!.fieldErrors).toEqual([{ path: 'body.smsNumber', message: expect.any(String) }]);
    }
    expect(await preferences.get(person.id)).toEqual(before);
  });

  it('refuses texts to a number that replied STOP until it replies START', async () => {
    const person = await patient();
    const preferences = createNotificationPreferences(db());
    const optOuts = createSmsOptOuts(db());
    const number = newMobileNumber();
    await optOuts.optOut(number, 'STOP');

    const error = await failureOf(
      preferences.update(person.id, { emailEnabled: true, smsEnabled: true, smsNumber: number }),
    );
    expect(error).toBeInstanceOf(AppError);
    expect(error!.code).toBe('sms-opted-out');
    expect(error!.status).toBe(409);
    expect(error!.detail).toMatch(/START/);
    expect(await preferences.get(person.id)).toEqual({
      emailEnabled: true,
      smsEnabled: false,
      smsNumber: null,
    });
    // Saving the number with texts off is fine: nothing will be sent to it.
    await preferences.update(person.id, {
      emailEnabled: true,
      smsEnabled: false,
      smsNumber: number,
    });

    await optOuts.optIn(number);
    expect(
      await preferences.update(person.id, {
        emailEnabled: true,
        smsEnabled: true,
        smsNumber: number,
      }),
    ).toEqual({ emailEnabled: true, smsEnabled: true, smsNumber: number });
  });
});
