// The viewer's own locale and zone (no timeZone option): times in a visit are "now"-ish.
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

/** "9:05 AM" in the viewer's zone. */
export const formatTime = (iso: string) => timeFormat.format(new Date(iso));

/** "12 min", "1 h 5 min": how long since `iso`, for a waiting patient. */
export function waitedLabel(iso: string, now: number): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(iso)) / 60_000));
  if (minutes < 1) return 'less than a minute';
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
