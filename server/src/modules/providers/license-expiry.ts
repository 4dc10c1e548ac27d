import { usJurisdictions, type UsState } from '@openvisit/contracts';

// The earliest zone on Earth: used for a code outside the table, so an unknown state can
// only make a license lapse sooner, never later.
const EARLIEST_ZONE = 'Pacific/Kiritimati';

const formats = new Map<string, Intl.DateTimeFormat>();
function formatIn(zone: string) {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(zone, format);
  }
  return format;
}

/** How far `zone`'s wall clock is ahead of UTC at `at` (negative west of Greenwich). */
function offsetMs(zone: string, at: number): number {
  const parts = formatIn(zone).formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wall - Math.floor(at / 1000) * 1000;
}

/** The instant the wall clocks of `zone` show midnight starting `date` (YYYY-MM-DD). */
export function midnightIn(zone: string, date: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const wallMidnight = Date.UTC(year, month - 1, day);
  // Twice: the offset at the first guess may differ from the offset at the answer (DST).
  let instant = wallMidnight - offsetMs(zone, wallMidnight);
  instant = wallMidnight - offsetMs(zone, instant);
  return new Date(instant);
}

/**
 * When a license stops being active: at the midnight ending its `expiresOn` day (the last
 * valid day, inclusive) in the state's easternmost zone. A state spanning zones (Texas,
 * Florida, Oregon...) therefore lapses at the first of its midnights: never later than
 * anywhere in the state, at most an hour or two sooner in its western part.
 */
export function licenseLapsesAt(state: string, expiresOn: string): Date {
  const zone = usJurisdictions[state as UsState]?.licenseZone ?? EARLIEST_ZONE;
  const [year, month, day] = expiresOn.split('-').map(Number) as [number, number, number];
  const nextDay = new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
  return midnightIn(zone, nextDay);
}
