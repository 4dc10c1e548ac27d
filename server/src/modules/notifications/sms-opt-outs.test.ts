import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationPreferences, smsOptOuts } from '../../db/schema/index.js';
import { makeClinic, makePerson } from '../../testing/factories.js';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.js';
import { newMobileNumber } from './notifications-test-kit.js';
import { createNotificationPreferences } from './preferences-service.js';
import { createSmsOptOuts } from './sms-opt-outs.js';

describe('SMS opt-outs', () => {
  let d: TestDatabase;
  beforeAll(async () => {
    d = await createTestDatabase();
  });
  afterAll(() => d.drop());
  const db = () => d.database.db;

  /** Two patients texting to one family phone, and one to their own. */
  async function household() {
    const clinic = await makeClinic(db());
    const [parent, child, neighbour] = await Promise.all([
      makePerson(db(), clinic.id, 'patient'),
      makePerson(db(), clinic.id, 'patient'),
      makePerson(db(), clinic.id, 'patient'),
    ]);
    const familyPhone = newMobileNumber();
    const ownPhone = newMobileNumber();
    const preferences = createNotificationPreferences(db());
    for (const person of [parent, child]) {
      await preferences.update(person.id, {
        emailEnabled: true,
        smsEnabled: true,
        smsNumber: familyPhone,
      });
    }
    await preferences.update(neighbour.id, {
      emailEnabled: false,
      smsEnabled: true,
      smsNumber: ownPhone,
    });
    return { parent, child, neighbour, familyPhone, ownPhone, preferences };
  }

  it('stops texts to a number for every account that uses it, and nobody else', async () => {
    const { parent, child, neighbour, familyPhone, ownPhone, preferences } = await household();
    const optOuts = createSmsOptOuts(db());
    expect(await optOuts.isOptedOut(familyPhone)).toBe(false);

    const switchedOff = await optOuts.optOut(familyPhone, 'STOP');

    expect(switchedOff.sort()).toEqual([parent.id, child.id].sort());
    expect(await optOuts.isOptedOut(familyPhone)).toBe(true);
    expect(await optOuts.isOptedOut(ownPhone)).toBe(false);
    for (const person of [parent, child]) {
      // The number stays, so turning texts back on later is one click.
      expect(await preferences.get(person.id)).toEqual({
        emailEnabled: true,
        smsEnabled: false,
        smsNumber: familyPhone,
      });
    }
    expect((await preferences.get(neighbour.id)).smsEnabled).toBe(true);
  });

  it('keeps the first STOP and switches nobody off twice', async () => {
    const { familyPhone } = await household();
    const optOuts = createSmsOptOuts(db());
    await optOuts.optOut(familyPhone, 'STOP');
    const [first] = await db()
      .select()
      .from(smsOptOuts)
      .where(eq(smsOptOuts.phoneNumber, familyPhone));

    expect(await optOuts.optOut(familyPhone, 'UNSUBSCRIBE')).toEqual([]);
    const rows = await db()
      .select()
      .from(smsOptOuts)
      .where(eq(smsOptOuts.phoneNumber, familyPhone));
    expect(rows).toEqual([first]);
    expect(first!.keyword).toBe('STOP');
  });

  it('records a STOP from a number nobody uses yet', async () => {
    const stranger = newMobileNumber();
    const optOuts = createSmsOptOuts(db());
    expect(await optOuts.optOut(stranger, 'QUIT')).toEqual([]);
    expect(await optOuts.isOptedOut(stranger)).toBe(true);
  });

  it('lets texts go again after START, without turning anyone’s texts back on', async () => {
    const { parent, familyPhone, preferences } = await household();
    const optOuts = createSmsOptOuts(db());
    await optOuts.optOut(familyPhone, 'STOP');
    await optOuts.optIn(familyPhone);
    await optOuts.optIn(familyPhone); // twice is the same as once

    expect(await optOuts.isOptedOut(familyPhone)).toBe(false);
    expect((await preferences.get(parent.id)).smsEnabled).toBe(false);
    const [row] = await db()
      .select({ smsNumber: notificationPreferences.smsNumber })
      .from(notificationPreferences)
      .where(eq(notificationPreferences.userId, parent.id));
    expect(row!.smsNumber).toBe(familyPhone);
  });
});
