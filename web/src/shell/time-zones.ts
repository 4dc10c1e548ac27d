/**
 * The IANA zones offered in time-zone pickers: the Americas and the Pacific (every US state
 * and territory is in one of them), from the browser's own list when it has one.
 */
const zones = (() => {
  try {
    return Intl.supportedValuesOf('timeZone').filter(
      (z) => z.startsWith('America/') || z.startsWith('Pacific/'),
    );
  } catch {
    return ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'];
  }
})();

/** Select options, with `current` kept even when it is outside the list (a saved value). */
export function timeZoneOptions(current?: string | null): { value: string; label: string }[] {
  const list = current && !zones.includes(current) ? [current, ...zones] : zones;
  return list.map((z) => ({ value: z, label: z.replace(/_/g, ' ') }));
}
