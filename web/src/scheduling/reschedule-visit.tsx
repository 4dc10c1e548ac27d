import { useState } from 'react';
import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { appointmentSchema, type Appointment, type VisitType } from '@openvisit/contracts';
import { apiSend } from '../api/client';
import { BookingProblem, isStaleTime } from './booking-problem';
import { appointmentPath, slotsKey } from './scheduling-queries';
import { SlotPicker, type ChosenSlot } from './slot-picker';
import { useFocusOnMount } from './use-focus-on-mount';
import { isLateNow } from './visit-labels';
import { VisitSummary } from './visit-summary';
import { dayAndTimeLabel, zoneLabel } from './zoned-time';

/**
 * Moves a visit to another of the same provider's times. The server cancels the old visit
 * and books the new one in one step, so a refused move leaves the old visit as it was. With
 * `patient` it speaks to the clinic's staff moving the visit for them; the times are then in
 * the staff member's zone (`zone`), and the new time is also given in the patient's.
 */
export function RescheduleVisit(props: {
  clinicId: string;
  patientId: string;
  appointment: Appointment;
  visitType: VisitType | undefined;
  state: string | undefined;
  zone: string;
  /** Staff moving the visit for this patient (the patient's own flow leaves it out). */
  patient?: { name: string; zone: string };
  /** `moved` is the new appointment, or undefined when the patient kept the old time. */
  onDone: (moved?: Appointment) => void;
}) {
  const { clinicId, patientId, appointment, visitType, zone, patient } = props;
  const [selected, setSelected] = useState<ChosenSlot>();
  const queryClient = useQueryClient();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const move = useMutation({
    mutationFn: (startsAt: string) =>
      apiSend(
        'POST',
        `${appointmentPath(clinicId, patientId, appointment.id)}/reschedule`,
        { startsAt },
        appointmentSchema,
      ),
    onSuccess: (moved) => {
      void queryClient.invalidateQueries({ queryKey: slotsKey(clinicId) });
      props.onDone(moved);
    },
    onError: (error) => {
      if (!isStaleTime(error)) return;
      setSelected(undefined);
      void queryClient.invalidateQueries({ queryKey: slotsKey(clinicId) });
    },
  });
  const late = isLateNow(appointment.startsAt, visitType?.cancellationWindowHours);

  return (
    <Stack gap="lg" component="section" aria-labelledby="move-heading">
      <Title order={2} id="move-heading" ref={heading} tabIndex={-1}>
        {patient ? `Reschedule ${patient.name}'s visit` : 'Reschedule your visit'}
      </Title>
      <Text>
        Now: {appointment.visitType.name} with {appointment.provider.displayName} on{' '}
        {dayAndTimeLabel(appointment.startsAt, zone)}. Choose a new time below; the current one is
        kept until the new one is booked.
      </Text>
      {late && (
        <Alert color="yellow" title="Moving now counts as a late cancellation">
          It is less than {visitType?.cancellationWindowHours} hours before the visit.
        </Alert>
      )}
      {move.isError && <BookingProblem error={move.error} />}
      <SlotPicker
        clinicId={clinicId}
        visitTypeId={appointment.visitType.id}
        providerId={appointment.provider.id}
        state={props.state}
        zone={zone}
        selected={selected}
        onSelect={(slot) => {
          move.reset();
          setSelected(slot);
        }}
      />
      {selected && (
        <Card withBorder padding="lg" component="section" aria-labelledby="new-time-heading">
          <Stack gap="md">
            <Title order={3} id="new-time-heading">
              {patient ? 'The new time' : 'Your new time'}
            </Title>
            <VisitSummary
              providerName={appointment.provider.displayName}
              visitType={visitType ?? appointment.visitType}
              startsAt={selected.startsAt}
              zone={zone}
            />
            {patient && patient.zone !== zone && (
              <Text>
                For {patient.name}: {dayAndTimeLabel(selected.startsAt, patient.zone)},{' '}
                {zoneLabel(patient.zone, selected.startsAt)}.
              </Text>
            )}
          </Stack>
        </Card>
      )}
      <Group
        py="sm"
        style={{
          position: 'sticky',
          bottom: 0,
          background: 'var(--mantine-color-body)',
          borderTop: '1px solid var(--mantine-color-default-border)',
        }}
      >
        {selected && (
          <Button loading={move.isPending} onClick={() => move.mutate(selected.startsAt)}>
            {patient ? 'Move the visit to' : 'Move my visit to'}{' '}
            {dayAndTimeLabel(selected.startsAt, zone)}
          </Button>
        )}
        <Button variant="default" onClick={() => props.onDone()} disabled={move.isPending}>
          Keep the current time
        </Button>
      </Group>
    </Stack>
  );
}
