import { DateTime, IANAZone } from 'luxon';

/*
 * The slot engine: which start instants a provider can be booked at. Pure (no clock, no
 * database): everything it needs is an argument, so every rule below is unit-tested with a
 * fixed `now`.
 *
 * Rules:
 * - Available time = weekly hours (wall-clock, in the provider's zone) minus time off, plus
 *   extra hours (extra hours win where the two overlap: a date override is time off for
 *   the day plus the new hours).
 * - A start S is bookable when its block [S - bufferBefore, S + duration + bufferAfter)
 *   lies inside available time and overlaps no busy span (booked appointments' blocks),
 *   S >= now + minimum notice, S <= now + horizon (calendar days in the provider's zone),
 *   and from <= S < to.
 * - Starts fall on a grid of `stepMinutes` (15 by default) aligned to the provider's wall
 *   clock: minute-of-day divisible by the step, in whatever offset is in force at S.
 *
 * Daylight-saving time (decided here, once):
 * - Weekly hours are wall-clock times turned into instants day by day, so 09:00 stays 09:00
 *   local on both sides of a change.
 * - A wall time that does not exist (the skipped hour in spring, 02:30 on 2026-03-08 in New
 *   York) maps to the instant the clocks jump (03:00 local). A rule 01:30-03:30 that day is
 *   one real hour long; a rule lying wholly inside the gap is empty that day. No start is
 *   ever a nonexistent time: starts are instants, shown in local time after the jump.
 * - A wall time that occurs twice (the repeated hour in autumn) maps to its FIRST
 *   occurrence (daylight time). Between a rule's start and end the engine counts real
 *   instants, so a rule 01:00-02:30 on 2026-11-01 in New York is 2.5 hours long: slots run
 *   through the repeated hour once in daylight time and once in standard time; no instant
 *   is offered twice and none is dropped.
 * - A patient in another zone gets the same instants: the patient's zone plays no part
 *   here (showing them in the patient's zone is the browser's job).
 */

export interface WeeklyRule {
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  /** 'HH:MM' (seconds, as PostgreSQL's `time` returns them, are ignored). */
  startTime: string;
  /** 'HH:MM'; '24:00' is the end of the day. */
  endTime: string;
}

export interface ScheduleException {
  kind: 'time-off' | 'extra-hours';
  startsAt: Date;
  endsAt: Date;
}

export interface BusySpan {
  from: Date;
  to: Date;
}

export interface SlotRequest {
  timeZone: string;
  minimumNoticeMinutes: number;
  bookingHorizonDays: number;
  rules: readonly WeeklyRule[];
  exceptions: readonly ScheduleException[];
  busy: readonly BusySpan[];
  visit: { durationMinutes: number; bufferBeforeMinutes: number; bufferAfterMinutes: number };
  /** The search window: starts in [from, to). */
  from: Date;
  to: Date;
  now: Date;
  /** The grid, in minutes; must divide a day (5, 10, 15, 20, 30, 60…). Default 15. */
  stepMinutes?: number;
}

/** [start, end) in epoch milliseconds. */
type Interval = readonly [number, number];

const MINUTE = 60_000;
const DAY = 86_400_000;
export const DEFAULT_STEP_MINUTES = 15;

/** The bookable start instants, ascending. */
export function bookableStarts(request: SlotRequest): Date[] {
  const step = request.stepMinutes ?? DEFAULT_STEP_MINUTES;
  if (!Number.isInteger(step) || step <= 0 || 1440 % step !== 0) {
    throw new Error(`slot step must divide a day: ${step}`);
  }
  const zone = IANAZone.create(request.timeZone);
  if (!zone.isValid) throw new Error(`unknown time zone: ${request.timeZone}`);
  const { durationMinutes, bufferBeforeMinutes, bufferAfterMinutes } = request.visit;
  const before = bufferBeforeMinutes * MINUTE;
  const after = (durationMinutes + bufferAfterMinutes) * MINUTE;

  const now = request.now.getTime();
  const horizonEnd = DateTime.fromMillis(now, { zone })
    .plus({ days: request.bookingHorizonDays })
    .toMillis();
  const first = Math.max(request.from.getTime(), now + request.minimumNoticeMinutes * MINUTE);
  // Starts are whole minutes, so "< to" is "<= to - 1 ms".
  const last = Math.min(request.to.getTime() - 1, horizonEnd);
  if (first > last) return [];

  // Only what a block starting in [first, last] can touch.
  const reach: Interval = [first - before, last + after];
  const offsetAt = offsetTable(zone, reach);
  const weekly = weeklyIntervals(offsetAt, request.rules, reach);
  const timeOff = spans(request.exceptions.filter((e) => e.kind === 'time-off'));
  const extra = spans(request.exceptions.filter((e) => e.kind === 'extra-hours'));
  const available = merge([...subtract(weekly, timeOff), ...extra]);
  const free = subtract(
    available,
    merge(request.busy.map((b) => [b.from.getTime(), b.to.getTime()])),
  );

  const starts: Date[] = [];
  for (const [a, b] of free) {
    const low = Math.max(a + before, first);
    const high = Math.min(b - after, last);
    if (low <= high) alignedStarts(offsetAt, step, low, high, starts);
  }
  return starts;
}

/** A zone's UTC offset in minutes at an instant. */
export type OffsetAt = (instant: number) => number;

/**
 * The zone's offsets around `reach`, looked up once: asking the zone (Intl, ~3 µs a call)
 * for every interval and start was most of a search's time. Samples every 6 hours, then
 * finds each change to the minute; a zone changing offset and back within 6 hours would
 * be missed, and none does. Tables are shared by the providers of one zone in a search.
 */
function offsetTable(zone: IANAZone, reach: Interval): OffsetAt {
  // Wide enough for every lookup the day-by-day mapping makes around `reach`.
  const from = Math.floor(reach[0] / DAY) * DAY - 3 * DAY;
  const to = Math.ceil(reach[1] / DAY) * DAY + 4 * DAY;
  const key = `${zone.name}|${from}|${to}`;
  let table = offsetTables.get(key);
  if (!table) {
    table = { starts: [from], offsets: [zone.offset(from)] };
    for (let at = from + SAMPLE; at <= to; at += SAMPLE) {
      const offset = zone.offset(at);
      if (offset === table.offsets[table.offsets.length - 1]) continue;
      let low = at - SAMPLE;
      let high = at;
      while (high - low > MINUTE) {
        const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
        if (zone.offset(middle) === offset) high = middle;
        else low = middle;
      }
      table.starts.push(high);
      table.offsets.push(offset);
    }
    if (offsetTables.size >= 256) offsetTables.clear();
    offsetTables.set(key, table);
  }
  const { starts, offsets } = table;
  return (instant) => {
    if (instant < from || instant > to) return zone.offset(instant);
    let i = starts.length - 1;
    while (starts[i]! > instant) i--;
    return offsets[i]!;
  };
}
const SAMPLE = 6 * 3_600_000;
/** A memo, not state: a zone's rules do not change while the process runs. */
const offsetTables = new Map<string, { starts: number[]; offsets: number[] }>();

/** Starts on the wall-clock grid within [low, high], appended to `out`. */
function alignedStarts(offsetAt: OffsetAt, step: number, low: number, high: number, out: Date[]) {
  const offsetLow = offsetAt(low);
  // Fast path: one offset across a short stretch means no change of offset inside it
  // (zones change offset months apart).
  const uniform = offsetLow === offsetAt(high) && high - low < 7 * DAY;
  let cursor = low;
  while (cursor <= high) {
    let offset = uniform ? offsetLow : offsetAt(cursor);
    let start = nextOnGrid(cursor, offset, step);
    if (!uniform && offsetAt(start) !== offset) {
      // The grid point lies past a change of offset: align again in the new offset.
      offset = offsetAt(start);
      start = nextOnGrid(start, offset, step);
    }
    if (start > high) break;
    out.push(new Date(start));
    cursor = start + step * MINUTE;
  }
}

/** The first instant >= `at` whose wall-clock minute (at `offset`) is a multiple of `step`. */
function nextOnGrid(at: number, offsetMinutes: number, step: number): number {
  const wallMinutes = at / MINUTE + offsetMinutes;
  return (Math.ceil(wallMinutes / step) * step - offsetMinutes) * MINUTE;
}

/** The weekly rules as instants, for every local day that can touch `reach`. */
function weeklyIntervals(offsetAt: OffsetAt, rules: readonly WeeklyRule[], reach: Interval) {
  if (!rules.length) return [];
  // Wall-clock days, as milliseconds of a UTC calendar (so weekday arithmetic is plain).
  const firstDay = Math.floor((reach[0] + offsetAt(reach[0]) * MINUTE) / DAY) * DAY - DAY;
  const lastDay = Math.floor((reach[1] + offsetAt(reach[1]) * MINUTE) / DAY) * DAY + DAY;
  const intervals: Interval[] = [];
  for (let day = firstDay; day <= lastDay; day += DAY) {
    const weekday = new Date(day).getUTCDay();
    const today = rules.filter((rule) => rule.weekday === weekday);
    if (!today.length) continue;
    // Most days have one offset throughout: skip the careful mapping.
    const offset = offsetAt(day - DAY);
    const toInstant =
      offset === offsetAt(day + 2 * DAY)
        ? (wall: number) => wall - offset * MINUTE
        : (wall: number) => wallToInstant(offsetAt, wall);
    for (const rule of today) {
      const start = toInstant(day + wallMinutes(rule.startTime) * MINUTE);
      const end = toInstant(day + wallMinutes(rule.endTime) * MINUTE);
      if (end > start) intervals.push([start, end]);
    }
  }
  return merge(intervals);
}

const wallMinutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/**
 * The instant a wall-clock time (given as milliseconds of a UTC calendar) names in `zone`:
 * its first occurrence when it occurs twice, the instant the clocks jump when it does not
 * occur at all (see the rules at the top).
 */
export function wallToInstant(offsetAt: OffsetAt, wall: number): number {
  const offsets = [...new Set([offsetAt(wall - DAY), offsetAt(wall + DAY)])];
  const valid = offsets
    .map((offset) => wall - offset * MINUTE)
    .filter((instant, i) => offsetAt(instant) === offsets[i]);
  if (valid.length) return Math.min(...valid);
  // In the gap: find the jump between the two readings, to the minute.
  let low = Math.min(...offsets.map((offset) => wall - offset * MINUTE));
  let high = Math.max(...offsets.map((offset) => wall - offset * MINUTE));
  const offsetBefore = offsetAt(low);
  while (high - low > MINUTE) {
    const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
    if (offsetAt(middle) === offsetBefore) low = middle;
    else high = middle;
  }
  return high;
}

function spans(list: readonly { startsAt: Date; endsAt: Date }[]): Interval[] {
  return merge(list.map((e) => [e.startsAt.getTime(), e.endsAt.getTime()]));
}

/** Sorted, disjoint, adjacent pieces joined. */
function merge(intervals: Interval[]): Interval[] {
  const sorted = intervals.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const previous = out[out.length - 1];
    if (previous && a <= previous[1]) previous[1] = Math.max(previous[1], b);
    else out.push([a, b]);
  }
  return out;
}

/** `from` minus `cut`; both sorted and disjoint. */
function subtract(from: readonly Interval[], cut: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let j = 0;
  for (const [a, b] of from) {
    let start = a;
    while (j < cut.length && cut[j]![1] <= start) j++;
    let k = j;
    while (k < cut.length && cut[k]![0] < b) {
      const [c, d] = cut[k]!;
      if (c > start) out.push([start, c]);
      start = Math.max(start, d);
      if (start >= b) break;
      k++;
    }
    if (start < b) out.push([start, b]);
  }
  return out;
}
