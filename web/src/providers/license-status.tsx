import { Badge, Text } from '@mantine/core';
import type { ProviderLicenseView } from '@openvisit/contracts';
import { daysUntil } from './provider-queries';

const statusColor: Record<string, string> = {
  active: 'teal.9',
  expired: 'red.9',
  revoked: 'gray.8',
};

/** "TX active", "GA expired": a license's state and status, in colours with AA contrast. */
export function LicenseBadge({ license }: { license: ProviderLicenseView }) {
  const status = license.status ?? (license.active ? 'active' : 'expired');
  return (
    <Badge color={statusColor[status]} radius="sm" tt="none">
      {license.state} {status}
    </Badge>
  );
}

/** How long before expiry a provider is warned: time to renew with a state board. */
export const LICENSE_RENEWAL_WARNING_DAYS = 60;

/** "today", "tomorrow", "in 30 days": when a license flagged as expiring soon ends. */
export const expiryDistance = (days: number) =>
  days <= 0 ? 'today' : days === 1 ? 'tomorrow' : `in ${days} days`;

/** " — expires in 30 days" after a license's date, for those expiring soon. */
export function ExpiringSoonNote({ license }: { license: ProviderLicenseView }) {
  const days = daysLeftIfExpiringSoon(license);
  if (days === undefined) return null;
  return (
    <Text span fw={700} c="red.9">
      {' '}
      — expires {expiryDistance(days)}
    </Text>
  );
}

/** Days left of an active license expiring within the warning window; undefined otherwise. */
export function daysLeftIfExpiringSoon(
  license: ProviderLicenseView,
  now = new Date(),
): number | undefined {
  if (!license.active || license.status === 'revoked' || !license.expiresOn) return undefined;
  const days = daysUntil(license.expiresOn, now);
  return days <= LICENSE_RENEWAL_WARNING_DAYS ? days : undefined;
}
