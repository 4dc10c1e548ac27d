import { useState } from 'react';
import { Alert, Group, Radio, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { DateTime } from 'luxon';
import { clinicSettingsQuery } from '../admin/clinic-settings-queries';
import { useWorkforceClinic } from '../auth/clinic-of';
import { viewerTimeZone } from '../shell/format-time';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';
import { AppointmentTable } from './appointment-table';
import { ProviderHoursLinks } from './provider-hours-links';
import { clinicScheduleQuery } from './scheduling-queries';
import { dayLabel, zoneLabel } from './zoned-time';

/** The front desk's day: every provider's visits on one date. */
export function ClinicSchedulePage() {
  const clinic = useWorkforceClinic();
  const frontDesk = clinic && (clinic.roles.has('staff') || clinic.roles.has('admin'));
  return (
    <Stack gap="lg" maw={1100}>
      <PageTitle title="Clinic schedule" />
      <Title order={1}>Clinic schedule</Title>
      {clinic && frontDesk ? (
        <>
          <ProviderHoursLinks clinicId={clinic.clinicId} />
          <ClinicDay clinicId={clinic.clinicId} />
        </>
      ) : (
        <Text>The clinic&apos;s schedule is for its staff and admins.</Text>
      )}
    </Stack>
  );
}

/** The day is read in the clinic's zone (its admins set it), unless the viewer asks for theirs. */
function ClinicDay({ clinicId }: { clinicId: string }) {
  const settings = useQuery(clinicSettingsQuery(clinicId));
  if (settings.isPending) {
    return <QueryStatus query={settings} loadingLabel="Loading the clinic's time zone…" />;
  }
  return (
    <>
      {settings.isError && (
        <Alert color="yellow" title="The clinic's time zone could not be loaded">
          Times are shown in your own zone instead.
        </Alert>
      )}
      <Day clinicId={clinicId} clinicZone={settings.data?.timeZone} />
    </>
  );
}

type ZoneChoice = 'clinic' | 'mine';

function Day({ clinicId, clinicZone }: { clinicId: string; clinicZone: string | undefined }) {
  const [choice, setChoice] = useState<ZoneChoice>('clinic');
  const zone = choice === 'clinic' && clinicZone ? clinicZone : viewerTimeZone;
  const [date, setDate] = useState(() => DateTime.now().setZone(zone).toISODate()!);
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(date);
  const query = clinicScheduleQuery(clinicId, date, zone);
  const schedule = useQuery({ ...query, enabled: valid });
  const queryClient = useQueryClient();
  const whose = zone === clinicZone ? "the clinic's zone" : 'your zone';

  return (
    <Stack gap="md">
      <TextInput
        type="date"
        label="Day"
        value={date}
        onChange={(event) => setDate(event.currentTarget.value)}
        maw={220}
      />
      {clinicZone && clinicZone !== viewerTimeZone && (
        <Radio.Group label="Show the day in" value={choice} onChange={setChoice}>
          <Group mt="xs">
            <Radio value="clinic" label={`The clinic's zone: ${zoneLabel(clinicZone)}`} />
            <Radio value="mine" label={`My zone: ${zoneLabel(viewerTimeZone)}`} />
          </Group>
        </Radio.Group>
      )}
      <Text>
        Times are shown in {whose}, {zoneLabel(zone)}.
      </Text>
      {valid && <QueryStatus query={schedule} loadingLabel="Loading the day…" />}
      {valid && schedule.data && (
        <Stack gap="xs" component="section" aria-labelledby="day-heading">
          <Title order={2} size="h3" id="day-heading">
            {dayLabel(schedule.data.from, zone)}
          </Title>
          {schedule.data.appointments.length === 0 ? (
            <Text>No visits on this day.</Text>
          ) : (
            <AppointmentTable
              clinicId={clinicId}
              zone={zone}
              showProvider
              appointments={schedule.data.appointments}
              onChanged={() => void queryClient.invalidateQueries({ queryKey: query.queryKey })}
            />
          )}
        </Stack>
      )}
    </Stack>
  );
}
