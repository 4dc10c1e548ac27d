import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { bookableStarts, wallToInstant, type SlotRequest } from './slot-engine.js';

const NY = 'America/New_York';
const LA = 'America/Los_Angeles';
const at = (iso: string) => new Date(iso);
const iso = (dates: Date[]) => dates.map((d) => d.toISOString());
/** How the provider (or a patient elsewhere) reads an instant. */
const local = (dates: Date[], zone = NY, format = 'HH:mm ZZZZ') =>
  dates.map((d) => DateTime.fromJSDate(d, { zone }).toFormat(format));

function slots(overrides: Partial<SlotRequest> = {}) {
  return bookableStarts({
    timeZone: NY,
    minimumNoticeMinutes: 0,
    bookingHorizonDays: 365,
    rules: [],
    exceptions: [],
    busy: [],
    visit: { durationMinutes: 15, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
    now: at('2026-02-20T00:00:00Z'),
    from: at('2026-02-20T00:00:00Z'),
    to: at('2026-03-20T00:00:00Z'),
    ...overrides,
  });
}

// Monday 2026-03-02 (EST, UTC-5): 09:00-12:00.
const mondayMorning = { weekday: 1, startTime: '09:00', endTime: '12:00' };
const monday = { from: at('2026-03-02T05:00:00Z'), to: at('2026-03-03T05:00:00Z') };

describe('slot engine: weekly hours, visit type, notice, horizon, window', () => {
  it('offers every quarter hour whose visit and buffers fit in the hours', () => {
    const starts = slots({
      rules: [mondayMorning],
      visit: { durationMinutes: 30, bufferBeforeMinutes: 0, bufferAfterMinutes: 5 },
      ...monday,
    });
    // The last start leaves 30 + 5 minutes before noon: 11:15 (11:25 is off the grid).
    expect(local(starts, NY, 'HH:mm')).toEqual([
      '09:00', '09:15', '09:30', '09:45', '10:00', '10:15', '10:30', '10:45', '11:00', '11:15',
    ]); // prettier-ignore
    expect(starts[0]!.toISOString()).toBe('2026-03-02T14:00:00.000Z');
  });

  it('keeps the buffer before inside the hours too', () => {
    const starts = slots({
      rules: [mondayMorning],
      visit: { durationMinutes: 30, bufferBeforeMinutes: 10, bufferAfterMinutes: 5 },
      ...monday,
    });
    expect(local(starts, NY, 'HH:mm')[0]).toBe('09:15');
    expect(starts).toHaveLength(9);
  });

  it('honours the minimum notice and the booking horizon', () => {
    // 09:20 local now, 60 minutes' notice: 10:20 at the earliest, so 10:30 on the grid.
    const noticed = slots({
      rules: [mondayMorning],
      minimumNoticeMinutes: 60,
      now: at('2026-03-02T14:20:00Z'),
      ...monday,
    });
    expect(local(noticed, NY, 'HH:mm')[0]).toBe('10:30');
    // A horizon of one day from Sunday noon UTC ends before Monday 09:00 local.
    const tooFar = slots({
      rules: [mondayMorning],
      bookingHorizonDays: 1,
      now: at('2026-03-01T12:00:00Z'),
      ...monday,
    });
    expect(tooFar).toEqual([]);
    // The horizon is inclusive: a start exactly at now + horizon is offered.
    const edge = slots({
      rules: [mondayMorning],
      bookingHorizonDays: 1,
      now: at('2026-03-01T14:00:00Z'),
      ...monday,
    });
    expect(iso(edge)).toEqual(['2026-03-02T14:00:00.000Z']);
  });

  it('searches [from, to): a start at `to` is not included', () => {
    const starts = slots({
      rules: [mondayMorning],
      from: at('2026-03-02T15:00:00Z'),
      to: at('2026-03-02T16:00:00Z'),
    });
    expect(local(starts, NY, 'HH:mm')).toEqual(['10:00', '10:15', '10:30', '10:45']);
  });

  it('skips starts whose block overlaps a busy span, and allows back-to-back visits', () => {
    const starts = slots({
      rules: [mondayMorning],
      busy: [{ from: at('2026-03-02T15:00:00Z'), to: at('2026-03-02T15:30:00Z') }],
      ...monday,
    });
    const shown = local(starts, NY, 'HH:mm');
    // 09:45 ends exactly when the busy span starts; 10:30 starts exactly when it ends.
    expect(shown).toContain('09:45');
    expect(shown).toContain('10:30');
    expect(shown).not.toContain('10:00');
    expect(shown).not.toContain('10:15');
    expect(starts).toHaveLength(12 - 2);

    // With a 5-minute buffer after, 09:45's block runs to 10:05 and overlaps.
    const buffered = slots({
      rules: [mondayMorning],
      visit: { durationMinutes: 15, bufferBeforeMinutes: 0, bufferAfterMinutes: 5 },
      busy: [{ from: at('2026-03-02T15:00:00Z'), to: at('2026-03-02T15:30:00Z') }],
      ...monday,
    });
    expect(local(buffered, NY, 'HH:mm')).not.toContain('09:45');
  });

  it('removes time off, adds extra hours, and lets extra hours win over time off', () => {
    const timeOff = slots({
      rules: [mondayMorning],
      exceptions: [
        {
          kind: 'time-off',
          startsAt: at('2026-03-02T15:00:00Z'),
          endsAt: at('2026-03-02T16:00:00Z'),
        },
      ],
      ...monday,
    });
    expect(local(timeOff, NY, 'HH:mm')).toEqual([
      '09:00', '09:15', '09:30', '09:45', '11:00', '11:15', '11:30', '11:45',
    ]); // prettier-ignore

    // Saturday has no weekly hours; extra hours open 10:00-11:00 that day.
    const saturday = slots({
      rules: [mondayMorning],
      exceptions: [
        {
          kind: 'extra-hours',
          startsAt: at('2026-03-07T15:00:00Z'),
          endsAt: at('2026-03-07T16:00:00Z'),
        },
      ],
      from: at('2026-03-07T05:00:00Z'),
      to: at('2026-03-08T05:00:00Z'),
    });
    expect(local(saturday, NY, 'ccc HH:mm')).toEqual([
      'Sat 10:00', 'Sat 10:15', 'Sat 10:30', 'Sat 10:45',
    ]); // prettier-ignore

    // A date override: the whole Monday off, then 13:00-14:00 that day instead.
    const override = slots({
      rules: [mondayMorning],
      exceptions: [
        {
          kind: 'time-off',
          startsAt: at('2026-03-02T05:00:00Z'),
          endsAt: at('2026-03-03T05:00:00Z'),
        },
        {
          kind: 'extra-hours',
          startsAt: at('2026-03-02T18:00:00Z'),
          endsAt: at('2026-03-02T19:00:00Z'),
        },
      ],
      ...monday,
    });
    expect(local(override, NY, 'HH:mm')).toEqual(['13:00', '13:15', '13:30', '13:45']);
  });

  it('joins hours across midnight written as two rules', () => {
    const starts = slots({
      rules: [
        { weekday: 1, startTime: '22:00', endTime: '24:00' },
        { weekday: 2, startTime: '00:00', endTime: '02:00' },
      ],
      visit: { durationMinutes: 60, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
      from: at('2026-03-02T05:00:00Z'),
      to: at('2026-03-04T05:00:00Z'),
    });
    const shown = local(starts, NY, 'ccc HH:mm');
    expect(shown[0]).toBe('Mon 22:00');
    expect(shown).toContain('Mon 23:30');
    expect(shown[shown.length - 1]).toBe('Tue 01:00');
    expect(starts).toHaveLength(13);
  });

  it('uses a configurable grid aligned to the wall clock, even at a half-hour offset', () => {
    const twenty = slots({
      rules: [{ weekday: 1, startTime: '09:00', endTime: '10:00' }],
      visit: { durationMinutes: 20, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
      stepMinutes: 20,
      ...monday,
    });
    expect(local(twenty, NY, 'HH:mm')).toEqual(['09:00', '09:20', '09:40']);
    // Kolkata is UTC+05:30: hourly starts fall on the local hour, which is :30 in UTC.
    const kolkata = slots({
      timeZone: 'Asia/Kolkata',
      rules: [{ weekday: 1, startTime: '09:00', endTime: '12:00' }],
      visit: { durationMinutes: 60, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
      stepMinutes: 60,
      from: at('2026-03-01T18:30:00Z'),
      to: at('2026-03-02T18:30:00Z'),
    });
    expect(iso(kolkata)).toEqual([
      '2026-03-02T03:30:00.000Z',
      '2026-03-02T04:30:00.000Z',
      '2026-03-02T05:30:00.000Z',
    ]);
    expect(() => slots({ stepMinutes: 7 })).toThrow(/divide a day/);
    expect(() => slots({ timeZone: 'Nowhere/Land' })).toThrow(/time zone/);
  });
});

describe('slot engine: daylight-saving changes (New York 2026, and Lord Howe)', () => {
  // Sunday 2026-03-08: at 02:00 EST the clocks jump to 03:00 EDT (07:00 UTC).
  const springDay = { from: at('2026-03-08T05:00:00Z'), to: at('2026-03-09T04:00:00Z') };
  const spring = (startTime: string, endTime: string, durationMinutes = 15) =>
    slots({
      rules: [{ weekday: 0, startTime, endTime }],
      visit: { durationMinutes, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
      ...springDay,
    });

  it('spring forward: 01:30-03:30 is one real hour, with no nonexistent time', () => {
    const starts = spring('01:30', '03:30');
    expect(iso(starts)).toEqual([
      '2026-03-08T06:30:00.000Z',
      '2026-03-08T06:45:00.000Z',
      '2026-03-08T07:00:00.000Z',
      '2026-03-08T07:15:00.000Z',
    ]);
    expect(local(starts)).toEqual(['01:30 EST', '01:45 EST', '03:00 EDT', '03:15 EDT']);
    expect(local(starts, NY, 'HH').filter((hour) => hour === '02')).toEqual([]);
    // A 30-minute visit: the last start is 03:00 EDT, ending at 03:30.
    expect(local(spring('01:30', '03:30', 30))).toEqual(['01:30 EST', '01:45 EST', '03:00 EDT']);
    // The same rule a week later has its full two hours.
    const nextWeek = slots({
      rules: [{ weekday: 0, startTime: '01:30', endTime: '03:30' }],
      from: at('2026-03-15T04:00:00Z'),
      to: at('2026-03-16T04:00:00Z'),
    });
    expect(nextWeek).toHaveLength(8);
  });

  it('spring forward: hours inside the skipped hour start when the clocks jump', () => {
    expect(spring('02:00', '02:30')).toEqual([]);
    expect(local(spring('02:30', '04:00'))).toEqual([
      '03:00 EDT', '03:15 EDT', '03:30 EDT', '03:45 EDT',
    ]); // prettier-ignore
    // Daytime hours keep their wall-clock time: 09:00 is 13:00 UTC now, 14:00 UTC before.
    expect(spring('09:00', '09:15')[0]!.toISOString()).toBe('2026-03-08T13:00:00.000Z');
    const weekBefore = slots({
      rules: [{ weekday: 0, startTime: '09:00', endTime: '09:15' }],
      from: at('2026-03-01T05:00:00Z'),
      to: at('2026-03-02T05:00:00Z'),
    });
    expect(iso(weekBefore)).toEqual(['2026-03-01T14:00:00.000Z']);
  });

  // Sunday 2026-11-01: at 02:00 EDT the clocks go back to 01:00 EST (06:00 UTC).
  const autumnDay = { from: at('2026-11-01T04:00:00Z'), to: at('2026-11-02T05:00:00Z') };
  const autumn = (startTime: string, endTime: string, durationMinutes = 15) =>
    slots({
      now: at('2026-10-20T00:00:00Z'),
      rules: [{ weekday: 0, startTime, endTime }],
      visit: { durationMinutes, bufferBeforeMinutes: 0, bufferAfterMinutes: 0 },
      ...autumnDay,
    });

  it('fall back: 01:00-02:30 runs through the repeated hour once in each offset', () => {
    const starts = autumn('01:00', '02:30');
    expect(local(starts)).toEqual([
      '01:00 EDT', '01:15 EDT', '01:30 EDT', '01:45 EDT',
      '01:00 EST', '01:15 EST', '01:30 EST', '01:45 EST',
      '02:00 EST', '02:15 EST',
    ]); // prettier-ignore
    // Ten distinct instants, a quarter hour apart: nothing doubled, nothing dropped.
    expect(new Set(iso(starts)).size).toBe(10);
    const gaps = starts.slice(1).map((d, i) => d.getTime() - starts[i]!.getTime());
    expect(new Set(gaps)).toEqual(new Set([15 * 60_000]));
    expect(starts[0]!.toISOString()).toBe('2026-11-01T05:00:00.000Z');
    // An hour-long visit fits across the change: the last start is 01:30 EST.
    expect(local(autumn('01:00', '02:30', 60)).at(-1)).toBe('01:30 EST');
    expect(autumn('01:00', '02:30', 60)).toHaveLength(7);
  });

  it('fall back: a wall time in the repeated hour means its first occurrence', () => {
    // Ending at 01:30 ends at the first 01:30 (EDT).
    expect(local(autumn('00:00', '01:30'))).toEqual([
      '00:00 EDT', '00:15 EDT', '00:30 EDT', '00:45 EDT', '01:00 EDT', '01:15 EDT',
    ]); // prettier-ignore
    // Starting at 01:30 starts at the first 01:30 and runs to 03:00 EST: 2.5 real hours.
    const late = autumn('01:30', '03:00');
    expect(late).toHaveLength(10);
    expect(local(late)[0]).toBe('01:30 EDT');
    // The week after, the same 01:00-02:30 rule is an hour and a half.
    const nextWeek = slots({
      now: at('2026-10-20T00:00:00Z'),
      rules: [{ weekday: 0, startTime: '01:00', endTime: '02:30' }],
      from: at('2026-11-08T05:00:00Z'),
      to: at('2026-11-09T05:00:00Z'),
    });
    expect(nextWeek).toHaveLength(6);
  });

  it('keeps 09:00-17:00 at 09:00-17:00 local every day of the year, both changes included', () => {
    const starts = slots({
      now: at('2026-01-01T00:00:00Z'),
      rules: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({
        weekday,
        startTime: '09:00',
        endTime: '17:00',
      })),
      from: at('2026-01-01T05:00:00Z'),
      to: at('2027-01-01T05:00:00Z'),
    });
    const byDay = new Map<string, string[]>();
    for (const shown of local(starts, NY, 'yyyy-MM-dd HH:mm')) {
      const [day, time] = shown.split(' ') as [string, string];
      byDay.set(day, [...(byDay.get(day) ?? []), time]);
    }
    expect(byDay.size).toBe(365);
    for (const times of byDay.values()) {
      expect(times).toHaveLength(32);
      expect(times[0]).toBe('09:00');
      expect(times.at(-1)).toBe('16:45');
    }
  });

  it('keeps the wall clock in a zone whose change is half an hour (Lord Howe Island)', () => {
    // 2026-04-05 02:00 (UTC+11) the clocks go back to 01:30 (UTC+10:30).
    const zone = 'Australia/Lord_Howe';
    const starts = slots({
      timeZone: zone,
      now: at('2026-03-25T00:00:00Z'),
      rules: [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({
        weekday,
        startTime: '09:00',
        endTime: '10:00',
      })),
      from: at('2026-04-01T00:00:00Z'),
      to: at('2026-04-09T00:00:00Z'),
    });
    const shown = local(starts, zone, 'HH:mm');
    expect(new Set(shown)).toEqual(new Set(['09:00', '09:15', '09:30', '09:45']));
    expect(starts).toHaveLength(4 * 8);
    expect(local(starts, 'UTC', 'MM-dd HH:mm')).toContain('04-03 22:00'); // Sat 4 Apr, +11
    expect(local(starts, 'UTC', 'MM-dd HH:mm')).toContain('04-04 22:30'); // Sun 5 Apr, +10:30
  });

  it('maps wall times: the gap to the jump, the repeated hour to its first occurrence', () => {
    const zone = IANAZone.create(NY);
    const offsetAt = (instant: number) => zone.offset(instant);
    const wall = (isoWall: string) => Date.parse(`${isoWall}Z`);
    expect(new Date(wallToInstant(offsetAt, wall('2026-03-08T02:30:00'))).toISOString()).toBe(
      '2026-03-08T07:00:00.000Z',
    );
    expect(new Date(wallToInstant(offsetAt, wall('2026-11-01T01:30:00'))).toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
    expect(new Date(wallToInstant(offsetAt, wall('2026-07-01T09:00:00'))).toISOString()).toBe(
      '2026-07-01T13:00:00.000Z',
    );
  });
});

describe('slot engine: patient and provider in different zones', () => {
  it('gives a patient in Los Angeles the same instants as the provider in New York', () => {
    // Monday 2026-03-09, after New York's change: 09:00-10:00 EDT is 13:00-14:00 UTC.
    const request = {
      rules: [{ weekday: 1, startTime: '09:00', endTime: '10:00' }],
      from: at('2026-03-09T04:00:00Z'),
      to: at('2026-03-10T04:00:00Z'),
    };
    const starts = slots(request);
    expect(iso(starts)).toEqual([
      '2026-03-09T13:00:00.000Z',
      '2026-03-09T13:15:00.000Z',
      '2026-03-09T13:30:00.000Z',
      '2026-03-09T13:45:00.000Z',
    ]);
    // Shown in the patient's zone (the browser's job): three hours earlier.
    expect(local(starts, LA)).toEqual(['06:00 PDT', '06:15 PDT', '06:30 PDT', '06:45 PDT']);
  });

  it('on the change day, when the two zones jump at different instants', () => {
    // New York jumps at 07:00 UTC, Los Angeles three hours later (10:00 UTC).
    const starts = slots({
      rules: [{ weekday: 0, startTime: '03:00', endTime: '08:00' }],
      from: at('2026-03-08T05:00:00Z'),
      to: at('2026-03-09T04:00:00Z'),
    });
    expect(starts).toHaveLength(20);
    expect(starts[0]!.toISOString()).toBe('2026-03-08T07:00:00.000Z');
    const inLosAngeles = local(starts, LA, 'ccc HH:mm ZZZZ');
    expect(inLosAngeles[0]).toBe('Sat 23:00 PST');
    expect(inLosAngeles).toContain('Sun 01:45 PST');
    expect(inLosAngeles).toContain('Sun 03:00 PDT');
    expect(inLosAngeles.at(-1)).toBe('Sun 04:45 PDT');
    // Los Angeles's own skipped hour (02:00-02:59 PST) never appears.
    expect(inLosAngeles.filter((s) => s.includes(' 02:'))).toEqual([]);
  });
});
