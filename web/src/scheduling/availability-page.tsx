import { Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { useWorkforceClinic } from '../auth/clinic-of';
import { useSession } from '../auth/session';
import { providersQuery } from '../care/care-queries';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';
import { TextLink } from '../shell/text-link';
import { providerScheduleQuery } from './availability-queries';
import { ScheduleExceptions } from './schedule-exceptions';
import { WeeklyHoursForm } from './weekly-hours-form';

/** The signed-in provider's own hours: /provider/availability. */
export function MyAvailabilityPage() {
  const clinic = useWorkforceClinic();
  const sessionState = useSession();
  const providerId = sessionState.status === 'signed-in' ? sessionState.session.user.id : '';
  return (
    <Stack gap="lg" maw={900}>
      <PageTitle title="Availability" />
      <Title order={1}>Availability</Title>
      {clinic?.roles.has('provider') ? (
        <ScheduleEditor clinicId={clinic.clinicId} providerId={providerId} />
      ) : (
        <Text>Only providers have hours here.</Text>
      )}
    </Stack>
  );
}

/** The front desk edits any provider's hours: /clinic/providers/:providerId/availability. */
export function ProviderAvailabilityPage() {
  const clinic = useWorkforceClinic();
  const { providerId = '' } = useParams();
  const frontDesk = clinic && (clinic.roles.has('staff') || clinic.roles.has('admin'));
  const providers = useQuery({ ...providersQuery(clinic?.clinicId ?? ''), enabled: !!frontDesk });
  const name = providers.data?.providers.find((p) => p.id === providerId)?.displayName;
  const title = name ? `Hours of ${name}` : 'Provider hours';
  return (
    <Stack gap="lg" maw={900}>
      <PageTitle title={title} />
      <Title order={1}>{title}</Title>
      {clinic && frontDesk ? (
        <>
          <Text>
            Back to the <TextLink to="/clinic/schedule">clinic schedule</TextLink>.
          </Text>
          <ScheduleEditor clinicId={clinic.clinicId} providerId={providerId} />
        </>
      ) : (
        <Text>Providers&apos; hours are managed by the clinic&apos;s staff and admins.</Text>
      )}
    </Stack>
  );
}

function ScheduleEditor({ clinicId, providerId }: { clinicId: string; providerId: string }) {
  const schedule = useQuery(providerScheduleQuery(clinicId, providerId));
  if (!schedule.data) return <QueryStatus query={schedule} loadingLabel="Loading the hours…" />;
  return (
    <>
      <WeeklyHoursForm clinicId={clinicId} providerId={providerId} schedule={schedule.data} />
      <ScheduleExceptions
        clinicId={clinicId}
        providerId={providerId}
        zone={schedule.data.timeZone}
      />
    </>
  );
}
