import { DateTime } from 'luxon';

/*
 * Times in a chosen zone (the patient's, from their profile), not just the browser's: a
 * patient travelling, or a shared computer set to another zone, still sees their own times.
 */

const at = (iso: string, zone: string) => DateTime.fromISO(iso, { zone });

/** "Tuesday, December 1" */
export const dayLabel = (iso: string, zone: string) =>
  at(iso, zone).toLocaleString({ weekday: 'long', month: 'long', day: 'numeric' });

/** "9:00 AM" */
export const timeLabel = (iso: string, zone: string) =>
  at(iso, zone).toLocaleString({ hour: 'numeric', minute: '2-digit' });

/** "Tuesday, December 1, 9:00 AM": a time button's accessible name. */
export const dayAndTimeLabel = (iso: string, zone: string) =>
  `${dayLabel(iso, zone)}, ${timeLabel(iso, zone)}`;

/** The calendar day in the zone, for grouping: "2026-12-01". */
export const dayKey = (iso: string, zone: string) => at(iso, zone).toISODate() ?? iso;

/** "Central Standard Time (America/Chicago)": which zone the times are in. */
export function zoneLabel(zone: string, iso = new Date().toISOString()) {
  const name = at(iso, zone).offsetNameLong;
  return name && name !== zone ? `${name} (${zone})` : zone;
}

/** Groups instants by their calendar day in the zone, keeping order. */
export function groupByDay(isos: readonly string[], zone: string): [string, string[]][] {
  const days = new Map<string, string[]>();
  for (const iso of isos) {
    const key = dayKey(iso, zone);
    const list = days.get(key) ?? [];
    if (!list.length) days.set(key, list);
    list.push(iso);
  }
  return [...days];
}

/** Seven days from the start of today in the zone, `weeks` weeks ahead; never before now. */
export function weekWindow(zone: string, weeks: number, now = DateTime.now()) {
  const start = now
    .setZone(zone)
    .startOf('day')
    .plus({ days: 7 * weeks });
  const end = start.plus({ days: 7 });
  const from = weeks === 0 ? now.startOf('minute') : start;
  return {
    from: from.toUTC().toISO()!,
    to: end.toUTC().toISO()!,
    /** "Dec 1 – Dec 7" */
    label: `${start.toLocaleString({ month: 'short', day: 'numeric' })} – ${end
      .minus({ days: 1 })
      .toLocaleString({ month: 'short', day: 'numeric' })}`,
  };
}

/** A fresh key for one confirmation: kept while the person retries it. */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID needs a secure context; a server reached over plain http on a LAN is not one.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
