import { useState } from 'react';
import { Button, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { clinicSettingsSchema, type ClinicSettings } from '@openvisit/contracts';
import { apiSend } from '../api/client';
import { bodyFieldErrors } from '../api/field-errors';
import { FormProblemAlert } from '../auth/form-feedback';
import { useAdminClinicId } from '../auth/clinic-of';
import { SuccessNotice } from '../shell/live-region';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';
import { timeZoneOptions } from '../shell/time-zones';
import { zoneLabel } from '../scheduling/zoned-time';
import { clinicSettingsPath, clinicSettingsQuery } from './clinic-settings-queries';

/** Admins set the clinic's time zone: the zone the front desk's day is shown in. */
export function ClinicSettingsPage() {
  const clinicId = useAdminClinicId();
  return (
    <Stack gap="lg" maw={720}>
      <PageTitle title="Clinic settings" />
      <Title order={1}>Clinic settings</Title>
      {clinicId ? (
        <Settings clinicId={clinicId} />
      ) : (
        <Text>Only clinic admins change the clinic&apos;s settings.</Text>
      )}
    </Stack>
  );
}

function Settings({ clinicId }: { clinicId: string }) {
  const settings = useQuery(clinicSettingsQuery(clinicId));
  if (!settings.data) {
    return <QueryStatus query={settings} loadingLabel="Loading the clinic's settings…" />;
  }
  return <TimeZoneForm clinicId={clinicId} settings={settings.data} />;
}

const fields = ['timeZone'] as const;

function TimeZoneForm({ clinicId, settings }: { clinicId: string; settings: ClinicSettings }) {
  const queryClient = useQueryClient();
  const [timeZone, setTimeZone] = useState(settings.timeZone);
  const [notice, setNotice] = useState('');
  const [attempt, setAttempt] = useState(0);
  const save = useMutation({
    mutationFn: () =>
      apiSend('PUT', clinicSettingsPath(clinicId), { timeZone }, clinicSettingsSchema),
    onSuccess: (saved) => {
      queryClient.setQueryData(clinicSettingsQuery(clinicId).queryKey, saved);
      setNotice(`The clinic's time zone is now ${zoneLabel(saved.timeZone)}.`);
    },
  });
  const errors = bodyFieldErrors(save.error);

  return (
    <Stack
      component="form"
      gap="md"
      aria-labelledby="clinic-zone-heading"
      onSubmit={(event) => {
        event.preventDefault();
        setNotice('');
        setAttempt((n) => n + 1);
        save.mutate();
      }}
    >
      <Title order={2} id="clinic-zone-heading">
        {settings.name}
      </Title>
      <SuccessNotice message={notice} />
      {save.isError && <FormProblemAlert error={save.error} attempt={attempt} fields={fields} />}
      <NativeSelect
        label="Clinic time zone"
        description="The clinic's schedule shows each day in this zone, and reminders use it for patients who have not chosen their own."
        data={timeZoneOptions(timeZone)}
        value={timeZone}
        onChange={(event) => setTimeZone(event.currentTarget.value)}
        error={errors.timeZone}
        maw={420}
      />
      <Group>
        <Button type="submit" loading={save.isPending}>
          Save time zone
        </Button>
      </Group>
    </Stack>
  );
}
