import { Alert, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import {
  usJurisdictions,
  usStateLabel,
  type ProviderProfile,
  type UsState,
} from '@openvisit/contracts';
import { useSession } from '../auth/session';
import {
  daysLeftIfExpiringSoon,
  ExpiringSoonNote,
  expiryDistance,
  LICENSE_RENEWAL_WARNING_DAYS,
  LicenseBadge,
} from '../providers/license-status';
import { ProviderPhotoForm } from '../providers/provider-photo-form';
import { ProviderProfileForm } from '../providers/provider-profile-form';
import { formatCalendarDate, providerProfileQuery } from '../providers/provider-queries';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';

/**
 * A provider's own profile: what patients read when they choose a provider (photo, bio,
 * credentials, languages) and their state licenses, read-only, since only admins record them.
 */
export function MyProviderProfilePage() {
  const sessionState = useSession();
  const session = sessionState.status === 'signed-in' ? sessionState.session : undefined;
  const clinicId = session?.memberships.find((m) => m.role === 'provider')?.organizationId;
  return (
    <Stack gap="lg" maw={900}>
      <PageTitle title="My profile" />
      <Title order={1}>My profile</Title>
      {session && clinicId ? (
        <OwnProfile clinicId={clinicId} providerId={session.user.id} />
      ) : (
        <Text>This page is for providers: their photo, profile and licenses.</Text>
      )}
    </Stack>
  );
}

function OwnProfile({ clinicId, providerId }: { clinicId: string; providerId: string }) {
  const profile = useQuery(providerProfileQuery(clinicId, providerId));
  return (
    <>
      <Text>
        Patients see your photo and profile when they choose a provider. Your clinic&apos;s admins
        can change them too.
      </Text>
      <QueryStatus query={profile} loadingLabel="Loading your profile…" />
      {profile.data && (
        <>
          <ProviderPhotoForm
            clinicId={clinicId}
            provider={profile.data}
            editor="self"
            headingOrder={2}
          />
          <ProviderProfileForm
            clinicId={clinicId}
            provider={profile.data}
            editor="self"
            headingOrder={2}
          />
          <OwnLicenses provider={profile.data} />
        </>
      )}
    </>
  );
}

function OwnLicenses({ provider }: { provider: ProviderProfile }) {
  const expiringSoon = provider.licenses.flatMap((license) => {
    const days = daysLeftIfExpiringSoon(license);
    return days === undefined ? [] : [{ license, days }];
  });
  return (
    <Stack gap="md" component="section" aria-labelledby="licenses-heading">
      <Title order={2} id="licenses-heading">
        State licenses
      </Title>
      <Text>
        You may see a patient only while you hold an active license in the state where they are. A
        license is valid through its last day. Your clinic&apos;s admins record licenses and
        renewals: send them the new license when you renew.
      </Text>
      {expiringSoon.length > 0 && (
        <Alert color="red" title="A license expires soon">
          <Stack gap={4} component="ul" m={0} pl="md">
            {expiringSoon.map(({ license, days }) => (
              <li key={license.id}>
                Your {usJurisdictions[license.state as UsState]?.name ?? license.state} license
                expires {expiryDistance(days)} (valid through{' '}
                {formatCalendarDate(license.expiresOn!)}). Renew it with the state board and send
                the renewal to your clinic&apos;s admins, or you will no longer be able to see
                patients there.
              </li>
            ))}
          </Stack>
        </Alert>
      )}
      {provider.licenses.length === 0 ? (
        <Text>No licenses recorded. Ask your clinic&apos;s admins to record yours.</Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="xs" striped>
            <Table.Caption>
              Your licenses; those expiring within {LICENSE_RENEWAL_WARNING_DAYS} days are flagged.
            </Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">State</Table.Th>
                <Table.Th scope="col">License number</Table.Th>
                <Table.Th scope="col">Valid through</Table.Th>
                <Table.Th scope="col">Status</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {provider.licenses.map((license) => (
                <Table.Tr key={license.id}>
                  <Table.Th scope="row" fw={400}>
                    {usStateLabel(license.state as UsState)}
                  </Table.Th>
                  <Table.Td>{license.licenseNumber}</Table.Td>
                  <Table.Td>
                    {license.expiresOn ? formatCalendarDate(license.expiresOn) : '—'}
                    <ExpiringSoonNote license={license} />
                  </Table.Td>
                  <Table.Td>
                    <LicenseBadge license={license} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
