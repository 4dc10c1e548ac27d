import { useRef, useState } from 'react';
import { Alert, Button, Group, Modal, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { appointmentSchema, type Appointment, type VisitType } from '@openvisit/contracts';
import { apiSend } from '../api/client';
import { BookingProblem } from './booking-problem';
import { appointmentPath, slotsKey } from './scheduling-queries';
import { isLateNow } from './visit-labels';
import { dayAndTimeLabel } from './zoned-time';

/**
 * Asks before cancelling, and says beforehand when the cancellation would be late. With
 * `patientName` it speaks to the clinic's staff cancelling for the patient, and asks them
 * for the reason (kept with the visit).
 */
export function CancelVisitDialog(props: {
  clinicId: string;
  patientId: string;
  appointment: Appointment | undefined;
  visitType: VisitType | undefined;
  zone: string;
  /** Staff cancelling for this patient (the patient's own dialog leaves it out). */
  patientName?: string;
  onClose: () => void;
  onCancelled: (appointment: Appointment) => void;
}) {
  const { clinicId, patientId, appointment, visitType, zone, patientName } = props;
  const staff = patientName !== undefined;
  const [reason, setReason] = useState('');
  const [reasonMissing, setReasonMissing] = useState(false);
  const reasonField = useRef<HTMLTextAreaElement>(null);
  const queryClient = useQueryClient();
  const cancel = useMutation({
    mutationFn: (a: Appointment) =>
      apiSend(
        'POST',
        `${appointmentPath(clinicId, patientId, a.id)}/cancel`,
        { reason: reason.trim() || null },
        appointmentSchema,
      ),
    onSuccess: (cancelled) => {
      setReason('');
      setReasonMissing(false);
      cancel.reset();
      // The freed time is bookable again.
      void queryClient.invalidateQueries({ queryKey: slotsKey(clinicId) });
      props.onCancelled(cancelled);
    },
  });
  const close = () => {
    cancel.reset();
    setReasonMissing(false);
    props.onClose();
  };
  const confirm = (a: Appointment) => {
    if (staff && !reason.trim()) {
      setReasonMissing(true);
      reasonField.current?.focus();
      return;
    }
    cancel.mutate(a);
  };
  const windowHours = visitType?.cancellationWindowHours;
  const late = appointment ? isLateNow(appointment.startsAt, windowHours) : false;

  return (
    <Modal
      opened={appointment !== undefined}
      onClose={close}
      title="Cancel this visit?"
      closeButtonProps={{ 'aria-label': 'Keep the visit' }}
    >
      {appointment && (
        <Stack gap="md">
          <Text>
            {staff ? `${patientName}'s` : 'Your'} {appointment.visitType.name} with{' '}
            {appointment.provider.displayName} on {dayAndTimeLabel(appointment.startsAt, zone)} will
            be cancelled, and the time offered to others.
          </Text>
          {late && (
            <Alert color="yellow" title="This is a late cancellation">
              It is less than {windowHours} hours before the visit.{' '}
              {staff
                ? 'It will be recorded as a late cancellation.'
                : 'Your clinic may have a policy for late cancellations.'}
            </Alert>
          )}
          {staff ? (
            <Textarea
              ref={reasonField}
              label="Reason"
              description="Why the visit is cancelled, kept with it (for example: the patient called to cancel)."
              required
              maxLength={500}
              value={reason}
              error={reasonMissing ? 'Give the reason for cancelling.' : undefined}
              onChange={(event) => {
                setReason(event.currentTarget.value);
                if (event.currentTarget.value.trim()) setReasonMissing(false);
              }}
            />
          ) : (
            <Textarea
              label="Reason (optional)"
              description="Shown to your clinic."
              maxLength={500}
              value={reason}
              onChange={(event) => setReason(event.currentTarget.value)}
            />
          )}
          {cancel.isError && <BookingProblem error={cancel.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={cancel.isPending}>
              Keep visit
            </Button>
            <Button color="red" loading={cancel.isPending} onClick={() => confirm(appointment)}>
              Cancel visit
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
