import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { appointmentSchema, type Appointment } from '@openvisit/contracts';
import { apiSend } from '../api/client';
import { isStaleTime } from './booking-problem';
import { appointmentsPath, patientAppointmentsQuery, slotsKey } from './scheduling-queries';
import { newIdempotencyKey } from './zoned-time';

/**
 * Books the chosen time for a patient (the patient's own flow and staff booking for them).
 * One idempotency key per confirmation: pressing "Book" again after a lost answer is the
 * same booking, never a second one.
 */
export function useBookVisit(props: {
  clinicId: string;
  patientId: string;
  visitTypeId: string;
  slot: { providerId: string; startsAt: string };
  onBooked: (appointment: Appointment) => void;
  onStale: (error: unknown) => void;
}) {
  const { clinicId, patientId } = props;
  const [idempotencyKey] = useState(newIdempotencyKey);
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () =>
      apiSend(
        'POST',
        appointmentsPath(clinicId, patientId),
        {
          providerId: props.slot.providerId,
          visitTypeId: props.visitTypeId,
          startsAt: props.slot.startsAt,
        },
        appointmentSchema,
        { idempotencyKey },
      ),
    onSuccess: (appointment) => {
      void queryClient.invalidateQueries({ queryKey: slotsKey(clinicId) });
      void queryClient.invalidateQueries({
        queryKey: patientAppointmentsQuery(clinicId, patientId).queryKey,
      });
      props.onBooked(appointment);
    },
    onError: (error) => {
      if (isStaleTime(error)) props.onStale(error);
    },
  });
}
