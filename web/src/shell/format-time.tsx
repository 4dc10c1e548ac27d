// `undefined` locale and no timeZone: the viewer's own locale and time zone.
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
});

/** The viewer's IANA zone, for saying which zone times are shown in. */
export const viewerTimeZone = dateTimeFormat.resolvedOptions().timeZone;

/** An instant in the viewer's locale and zone, e.g. "Nov 3, 2026, 9:00 AM". */
export const formatDateTime = (iso: string) => dateTimeFormat.format(new Date(iso));

/** A `<time>` element showing an instant in the viewer's zone. */
export function DateTime({ iso }: { iso: string }) {
  return <time dateTime={iso}>{formatDateTime(iso)}</time>;
}
