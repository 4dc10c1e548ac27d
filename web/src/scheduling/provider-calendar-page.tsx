import { useState } from 'react';
import { Button, Checkbox, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { DateTime } from 'luxon';
import { useSession } from '../auth/session';
import { useWorkforceClinic } from '../auth/clinic-of';
import { viewerTimeZone } from '../shell/format-time';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';
import { AppointmentTable } from './appointment-table';
import { providerCalendarQuery } from './scheduling-queries';
import { dayLabel, groupByDay, zoneLabel } from './zoned-time';

/** The signed-in provider's visits, a week (Monday to Sunday) at a time, in their zone. */
export function ProviderCalendarPage() {
  const clinic = useWorkforceClinic();
  const sessionState = useSession();
  const providerId = sessionState.status === 'signed-in' ? sessionState.session.user.id : '';
  return (
    <Stack gap="lg" maw={1000}>
      <PageTitle title="Calendar" />
      <Title order={1}>Calendar</Title>
      {clinic?.roles.has('provider') ? (
        <Week clinicId={clinic.clinicId} providerId={providerId} />
      ) : (
        <Text>Only providers have a calendar here.</Text>
      )}
    </Stack>
  );
}

function Week({ clinicId, providerId }: { clinicId: string; providerId: string }) {
  const zone = viewerTimeZone;
  const [weeks, setWeeks] = useState(0);
  const [includeCancelled, setIncludeCancelled] = useState(false);
  const start = DateTime.now().setZone(zone).startOf('week').plus({ weeks });
  const range = { from: start.toUTC().toISO()!, to: start.plus({ weeks: 1 }).toUTC().toISO()! };
  const query = providerCalendarQuery(clinicId, providerId, {
    ...range,
    ...(includeCancelled ? { includeCancelled: 'true' } : {}),
  });
  const calendar = useQuery(query);
  const queryClient = useQueryClient();
  const label = `${start.toLocaleString({ month: 'long', day: 'numeric' })} – ${start
    .plus({ days: 6 })
    .toLocaleString({ month: 'long', day: 'numeric', year: 'numeric' })}`;

  return (
    <Stack gap="md">
      <Text>Times are shown in {zoneLabel(zone)}.</Text>
      <Group gap="sm" align="center">
        <Button variant="default" onClick={() => setWeeks(weeks - 1)}>
          Previous week
        </Button>
        <Text fw={600} aria-live="polite">
          Week of {label}
        </Text>
        <Button variant="default" onClick={() => setWeeks(weeks + 1)}>
          Next week
        </Button>
        {weeks !== 0 && (
          <Button variant="subtle" onClick={() => setWeeks(0)}>
            This week
          </Button>
        )}
      </Group>
      <Checkbox
        label="Show cancelled visits"
        checked={includeCancelled}
        onChange={(event) => setIncludeCancelled(event.currentTarget.checked)}
      />
      <QueryStatus query={calendar} loadingLabel="Loading your calendar…" />
      {calendar.data &&
        (calendar.data.appointments.length === 0 ? (
          <Text>No visits this week.</Text>
        ) : (
          groupByDay(
            calendar.data.appointments.map((a) => a.startsAt),
            zone,
          ).map(([day, starts]) => (
            <Stack gap="xs" component="section" aria-labelledby={`day-${day}`} key={day}>
              <Title order={2} size="h3" id={`day-${day}`}>
                {dayLabel(starts[0]!, zone)}
              </Title>
              <AppointmentTable
                clinicId={clinicId}
                zone={zone}
                appointments={calendar.data.appointments.filter((a) => starts.includes(a.startsAt))}
                onChanged={() => void queryClient.invalidateQueries({ queryKey: query.queryKey })}
              />
            </Stack>
          ))
        ))}
    </Stack>
  );
}
