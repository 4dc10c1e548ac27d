import { useState } from 'react';
import { Alert, Button, Card, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Appointment, VisitType } from '@openvisit/contracts';
import { ApiProblem } from '../api/client';
import { QueryStatus } from '../shell/query-status';
import { BookingProblem, isStaleTime } from './booking-problem';
import { slotsKey, visitTypesQuery } from './scheduling-queries';
import { SlotPicker, type ChosenSlot } from './slot-picker';
import { useFocusOnMount } from './use-focus-on-mount';
import { modalityLabel, priceLabel } from './visit-labels';
import { VisitSummary } from './visit-summary';
import { useBookVisit } from './use-book-visit';
import { ContinueBar } from './continue-bar';

interface Patient {
  clinicId: string;
  patientId: string;
  patientName: string;
  /** From the patient's profile: the slot search offers providers licensed there. */
  state: string;
  zone: string;
}

/**
 * The front desk books for a patient (on the phone, at the desk): the patient's own flow
 * (visit type, a time from the same picker, a confirmation), times in the patient's zone.
 */
export function StaffBooking(
  props: Patient & { onBooked: (appointment: Appointment) => void; onCancel: () => void },
) {
  const { clinicId, state, zone } = props;
  const visitTypes = useQuery(visitTypesQuery(clinicId));
  const [visitType, setVisitType] = useState<VisitType>();
  const [selected, setSelected] = useState<ChosenSlot>();
  const [confirming, setConfirming] = useState(false);
  const [pickerProblem, setPickerProblem] = useState<unknown>();
  const queryClient = useQueryClient();
  const heading = useFocusOnMount<HTMLHeadingElement>();

  if (confirming && selected && visitType) {
    return (
      <ConfirmStaffBooking
        {...props}
        visitType={visitType}
        slot={selected}
        onBack={() => setConfirming(false)}
        onStale={(error) => {
          setPickerProblem(error);
          setSelected(undefined);
          setConfirming(false);
          void queryClient.invalidateQueries({ queryKey: slotsKey(clinicId) });
        }}
      />
    );
  }
  return (
    <Stack gap="lg" component="section" aria-labelledby="staff-booking-heading">
      <Group justify="space-between">
        <Title order={2} id="staff-booking-heading" ref={heading} tabIndex={-1}>
          Book a visit for {props.patientName}
        </Title>
        <Button variant="default" onClick={props.onCancel}>
          Back to appointments
        </Button>
      </Group>
      <QueryStatus query={visitTypes} loadingLabel="Loading visit types…" />
      {visitTypes.data && (
        <NativeSelect
          label="Visit type"
          value={visitType?.id ?? ''}
          onChange={(event) => {
            setSelected(undefined);
            setPickerProblem(undefined);
            const id = event.currentTarget.value;
            setVisitType(visitTypes.data.visitTypes.find((v) => v.id === id));
          }}
          data={[
            { value: '', label: 'Choose a visit type' },
            ...visitTypes.data.visitTypes.map((v) => ({ value: v.id, label: v.name })),
          ]}
          maw={420}
        />
      )}
      {visitType && (
        <Text>
          {modalityLabel[visitType.modality]}, {visitType.durationMinutes} minutes,{' '}
          {priceLabel(visitType).toLowerCase()}. Providers licensed in {state}.
        </Text>
      )}
      {pickerProblem !== undefined && <StaffBookingProblem error={pickerProblem} />}
      {visitType && (
        <SlotPicker
          clinicId={clinicId}
          visitTypeId={visitType.id}
          state={state}
          zone={zone}
          selected={selected}
          onSelect={setSelected}
        />
      )}
      {visitType && selected && (
        <ContinueBar
          startsAt={selected.startsAt}
          zone={zone}
          onContinue={() => setConfirming(true)}
        />
      )}
    </Stack>
  );
}

function ConfirmStaffBooking(
  props: Patient & {
    visitType: VisitType;
    slot: ChosenSlot;
    onBack: () => void;
    onBooked: (appointment: Appointment) => void;
    onStale: (error: unknown) => void;
  },
) {
  const { clinicId, patientId, visitType, slot, zone } = props;
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const book = useBookVisit({
    clinicId,
    patientId,
    visitTypeId: visitType.id,
    slot,
    onBooked: props.onBooked,
    onStale: props.onStale,
  });

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="staff-confirm-heading">
      <Stack gap="md">
        <Title order={2} id="staff-confirm-heading" ref={heading} tabIndex={-1}>
          Confirm the visit for {props.patientName}
        </Title>
        <VisitSummary
          providerName={slot.providerName}
          visitType={visitType}
          startsAt={slot.startsAt}
          zone={zone}
        />
        {book.isError && !isStaleTime(book.error) && <StaffBookingProblem error={book.error} />}
        <Group>
          <Button onClick={() => book.mutate()} loading={book.isPending}>
            Book this visit
          </Button>
          <Button variant="default" onClick={props.onBack} disabled={book.isPending}>
            Choose another time
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

/**
 * The patient flow's problems, worded for the front desk where the way forward differs (the
 * patient signs their own consents; the state is on the chart's Profile tab).
 */
function StaffBookingProblem({ error }: { error: unknown }) {
  if (error instanceof ApiProblem) {
    const staffWords: Record<string, [string, string]> = {
      'consent-required': [
        'The patient has not signed the consent forms',
        `The patient must sign the clinic's consent forms (in their own account) before this visit can be booked. ${error.detail ?? ''}`,
      ],
      'provider-not-licensed': [
        "This provider cannot see the patient in the patient's state",
        'The provider is not licensed in the state on the profile at the time of this visit. Choose another provider, or check the state on the Profile tab.',
      ],
      'patient-location-unknown': [
        "The patient's state is missing",
        'Add the state the patient is in on the Profile tab, then book.',
      ],
      'patient-double-booked': [
        'The patient already has a visit at this time',
        'A patient cannot be in two visits at once. Choose another time, or change the other visit.',
      ],
    };
    const words = Object.entries(staffWords).find(([code]) => error.is(code))?.[1];
    if (words) {
      return (
        <Alert color="red" title={words[0]}>
          {words[1]}
        </Alert>
      );
    }
  }
  return <BookingProblem error={error} />;
}
