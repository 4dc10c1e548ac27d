import { useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Group,
  NativeSelect,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { DateTime } from 'luxon';
import {
  availabilityExceptionSchema,
  type AvailabilityException,
  type AvailabilityExceptionCreate,
} from '@openvisit/contracts';
import { apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import { bodyFieldErrors } from '../api/field-errors';
import { FormProblemAlert } from '../auth/form-feedback';
import { SuccessNotice } from '../shell/live-region';
import { QueryStatus } from '../shell/query-status';
import { scheduleExceptionsQuery, schedulePath } from './availability-queries';
import { slotsKey } from './scheduling-queries';
import { dayAndTimeLabel, zoneLabel } from './zoned-time';

const kindLabel = { 'time-off': 'Time off', 'extra-hours': 'Extra hours' } as const;

/** "2026-03-09T09:00" entered in the provider's zone, as the UTC instant the server stores. */
function instantIn(local: string, zone: string): string | undefined {
  if (!local) return undefined;
  const at = DateTime.fromISO(local, { zone });
  return at.isValid ? (at.toUTC().toISO() ?? undefined) : undefined;
}

/**
 * Upcoming time off and extra hours, and a form to add one. Date-times are entered and shown
 * in the provider's zone (the one saved with the weekly hours), whatever this device's zone.
 */
export function ScheduleExceptions(props: { clinicId: string; providerId: string; zone: string }) {
  const { clinicId, providerId, zone } = props;
  const query = scheduleExceptionsQuery(clinicId, providerId);
  const exceptions = useQuery(query);
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState('');
  const changed = (message: string) => {
    setNotice(message);
    void queryClient.invalidateQueries({ queryKey: query.queryKey });
    void queryClient.invalidateQueries({ queryKey: slotsKey(clinicId) });
  };
  const remove = useMutation({
    mutationFn: (exception: AvailabilityException) =>
      apiSend('DELETE', `${schedulePath(clinicId, providerId)}/exceptions/${exception.id}`),
    onSuccess: (_, exception) =>
      changed(`${kindLabel[exception.kind]} from ${span(exception, zone)} was removed.`),
  });

  return (
    <Stack gap="md" component="section" aria-labelledby="exceptions-heading">
      <Title order={2} id="exceptions-heading">
        Time off and extra hours
      </Title>
      <Text>
        Time off removes hours from the weekly ones; extra hours add some (they win where both
        apply). Times are in {zoneLabel(zone)}.
      </Text>
      <SuccessNotice message={notice} />
      <QueryStatus query={exceptions} loadingLabel="Loading time off and extra hours…" />
      {exceptions.data &&
        (exceptions.data.exceptions.length === 0 ? (
          <Text>No upcoming time off or extra hours.</Text>
        ) : (
          <Stack component="ul" gap="xs" p={0} style={{ listStyle: 'none' }}>
            {exceptions.data.exceptions.map((exception) => (
              <Card component="li" withBorder padding="sm" key={exception.id}>
                <Group justify="space-between" wrap="nowrap">
                  <div>
                    <Text fw={600}>{kindLabel[exception.kind]}</Text>
                    <Text>{span(exception, zone)}</Text>
                    {exception.note && <Text size="sm">{exception.note}</Text>}
                  </div>
                  <Button
                    variant="default"
                    aria-label={`Remove ${kindLabel[exception.kind].toLowerCase()} from ${span(exception, zone)}`}
                    loading={remove.isPending && remove.variables?.id === exception.id}
                    onClick={() => {
                      setNotice('');
                      remove.mutate(exception);
                    }}
                  >
                    Remove
                  </Button>
                </Group>
              </Card>
            ))}
          </Stack>
        ))}
      {remove.isError && (
        <Alert color="red" title={describeError(remove.error).title}>
          {describeError(remove.error).message}
        </Alert>
      )}
      <AddException
        clinicId={clinicId}
        providerId={providerId}
        zone={zone}
        onAdded={(exception) =>
          changed(`${kindLabel[exception.kind]} from ${span(exception, zone)} was added.`)
        }
      />
    </Stack>
  );
}

const span = (exception: AvailabilityException, zone: string) =>
  `${dayAndTimeLabel(exception.startsAt, zone)} to ${dayAndTimeLabel(exception.endsAt, zone)}`;

function AddException(props: {
  clinicId: string;
  providerId: string;
  zone: string;
  onAdded: (exception: AvailabilityException) => void;
}) {
  const { clinicId, providerId, zone } = props;
  const [kind, setKind] = useState<AvailabilityExceptionCreate['kind']>('time-off');
  const [starts, setStarts] = useState('');
  const [ends, setEnds] = useState('');
  const [note, setNote] = useState('');
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [attempt, setAttempt] = useState(0);
  const add = useMutation({
    mutationFn: (body: AvailabilityExceptionCreate) =>
      apiSend(
        'POST',
        `${schedulePath(clinicId, providerId)}/exceptions`,
        body,
        availabilityExceptionSchema,
      ),
    onSuccess: (exception) => {
      setStarts('');
      setEnds('');
      setNote('');
      props.onAdded(exception);
    },
  });
  const errors = { ...bodyFieldErrors(add.error), ...localErrors };

  const submit = () => {
    const startsAt = instantIn(starts, zone);
    const endsAt = instantIn(ends, zone);
    const missing: Record<string, string> = {};
    if (!startsAt) missing.startsAt = 'Enter the date and time it starts.';
    if (!endsAt) missing.endsAt = 'Enter the date and time it ends.';
    setLocalErrors(missing);
    if (!startsAt || !endsAt) return;
    setAttempt(attempt + 1);
    add.mutate({ kind, startsAt, endsAt, note: note || null });
  };

  return (
    <Card withBorder padding="md">
      <Stack
        component="form"
        gap="sm"
        aria-labelledby="add-exception-heading"
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        <Title order={3} id="add-exception-heading">
          Add time off or extra hours
        </Title>
        <NativeSelect
          label="Kind"
          data={[
            { value: 'time-off', label: kindLabel['time-off'] },
            { value: 'extra-hours', label: kindLabel['extra-hours'] },
          ]}
          value={kind}
          onChange={(event) =>
            setKind(event.currentTarget.value as AvailabilityExceptionCreate['kind'])
          }
          maw={240}
        />
        <Group align="flex-start">
          <TextInput
            type="datetime-local"
            label="Starts"
            description={`In ${zone}`}
            value={starts}
            onChange={(event) => setStarts(event.currentTarget.value)}
            error={errors.startsAt}
          />
          <TextInput
            type="datetime-local"
            label="Ends"
            description={`In ${zone}`}
            value={ends}
            onChange={(event) => setEnds(event.currentTarget.value)}
            error={errors.endsAt}
          />
        </Group>
        <TextInput
          label="Note (optional)"
          description="Seen by you and the front desk, not by patients."
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
          error={errors.note}
          maw={420}
        />
        {add.isError && (
          <FormProblemAlert
            error={add.error}
            attempt={attempt}
            fields={['kind', 'startsAt', 'endsAt', 'note']}
          />
        )}
        <Group>
          <Button type="submit" loading={add.isPending}>
            Add
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
