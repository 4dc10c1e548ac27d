/**
 * The slot-search benchmark's clinic, as plain data: 50 providers in five US zones with
 * weekday hours (a lunch break for some), a few days off, and booked visits spread over the
 * four weeks searched. The engine benchmark uses it in memory; slot-server.ts stores it.
 */
export const PROVIDERS = 50;
export const SEARCH_DAYS = 28;
const DAY = 86_400_000;
const MINUTE = 60_000;

const zones = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
];

export interface BenchProvider {
  index: number;
  timeZone: string;
  rules: { weekday: number; startTime: string; endTime: string }[];
  timeOff: { startsAt: Date; endsAt: Date }[];
  /** Booked visits (20 min + 5 min buffer), at starts every provider offers. */
  booked: { startsAt: Date; blockedUntil: Date }[];
}

export const visitType = { durationMinutes: 20, bufferBeforeMinutes: 0, bufferAfterMinutes: 5 };

/** The window searched: tomorrow (UTC midnight) for four weeks. */
export function searchWindow(now = Date.now()) {
  const from = Math.floor(now / DAY) * DAY + DAY;
  return { from: new Date(from), to: new Date(from + SEARCH_DAYS * DAY) };
}

export function benchProviders(now = Date.now()): BenchProvider[] {
  const { from } = searchWindow(now);
  return Array.from({ length: PROVIDERS }, (_, index) => {
    const weekdays = index % 3 === 0 ? [1, 2, 3, 4] : [1, 2, 3, 4, 5];
    const rules =
      index % 2 === 0
        ? weekdays.flatMap((weekday) => [
            { weekday, startTime: '09:00', endTime: '12:00' },
            { weekday, startTime: '13:00', endTime: '17:00' },
          ])
        : weekdays.map((weekday) => ({ weekday, startTime: '08:00', endTime: '16:00' }));
    // A day off somewhere in the four weeks for every fifth provider.
    const timeOff =
      index % 5 === 0
        ? [
            {
              startsAt: new Date(from.getTime() + (index % 20) * DAY),
              endsAt: new Date(from.getTime() + (index % 20) * DAY + DAY),
            },
          ]
        : [];
    // Three visits a day at 15:00, 16:00 and 17:00 UTC (inside most providers' hours on
    // weekdays), every day of the four weeks: 84 per provider.
    const booked = [];
    for (let day = 0; day < SEARCH_DAYS; day++) {
      for (const hour of [15, 16, 17]) {
        const startsAt = new Date(
          from.getTime() + day * DAY + hour * 60 * MINUTE + (index % 4) * 15 * MINUTE,
        );
        booked.push({ startsAt, blockedUntil: new Date(startsAt.getTime() + 25 * MINUTE) });
      }
    }
    return { index, timeZone: zones[index % zones.length]!, rules, timeOff, booked };
  });
}
