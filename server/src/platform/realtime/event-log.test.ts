import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClinic } from '../../testing/factories.js';
import { createTestDatabase, onPostgres, type TestDatabase } from '../../testing/test-database.js';
import { createEventLog, type Room } from './event-log.js';

// PGlite runs one transaction at a time, so overlap (and this test) needs PostgreSQL.
describe.runIf(onPostgres)('realtime event log', () => {
  let d: TestDatabase;
  beforeAll(async () => {
    d = await createTestDatabase();
  });
  afterAll(() => d.drop());

  it('makes events visible in id order even when transactions overlap', async () => {
    const db = d.database.db;
    const clinic = await makeClinic(db);
    const log = createEventLog(db);
    const room: Room = `thread:${clinic.id}`;
    const event = (type: string) => ({ organizationId: clinic.id, room, type, payload: {} });

    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstRecorded!: () => void;
    const recorded = new Promise<void>((resolve) => (firstRecorded = resolve));
    const first = db.transaction(async (tx) => {
      const stored = await log.record(tx, [event('first')]);
      firstRecorded();
      await firstHolds; // still uncommitted while the second one tries
      return stored;
    });
    await recorded;
    let secondDone = false;
    const second = db
      .transaction((tx) => log.record(tx, [event('second')]))
      .then((stored) => {
        secondDone = true;
        return stored;
      });
    // Give the second a chance to overtake; it must not commit while the first is open.
    await new Promise((r) => setTimeout(r, 200));
    expect(secondDone).toBe(false);
    expect(await log.since([room], 0)).toEqual([]);
    releaseFirst();
    const [[a], [b]] = await Promise.all([first, second]);
    expect(b!.id).toBeGreaterThan(a!.id);
    expect((await log.since([room], 0)).map((e) => e.type)).toEqual(['first', 'second']);
    expect((await log.since([room], a!.id)).map((e) => e.type)).toEqual(['second']);
  });
});
