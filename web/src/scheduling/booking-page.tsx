import { useState } from 'react';
import { Alert, Button, Card, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import type { Appointment, VisitType } from '@openvisit/contracts';
import { profileQuery } from '../chart/chart-queries';
import { useOwnRecord } from '../chart/my-record-pages';
import { viewerTimeZone } from '../shell/format-time';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';
import { TextLink } from '../shell/text-link';
import { BookingProblem, isStaleTime } from './booking-problem';
import { slotsKey, visitTypesQuery } from './scheduling-queries';
import { SlotPicker, type ChosenSlot } from './slot-picker';
import { modalityLabel, priceLabel } from './visit-labels';
import { useFocusOnMount } from './use-focus-on-mount';
import { VisitSummary } from './visit-summary';
import { useBookVisit } from './use-book-visit';
import { ContinueBar } from './continue-bar';

interface Self {
  clinicId: string;
  patientId: string;
}

/** The patient books a visit: visit type, then a provider's time, then a confirmation. */
export function BookingPage() {
  const record = useOwnRecord();
  return (
    <Stack gap="lg" maw={900}>
      <PageTitle title="Book a visit" />
      <Title order={1}>Book a visit</Title>
      {record ? <BookingFlow {...record} /> : <Text>Only patients book visits here.</Text>}
    </Stack>
  );
}

function BookingFlow({ clinicId, patientId }: Self) {
  const profile = useQuery(profileQuery(clinicId, patientId));
  const visitTypes = useQuery(visitTypesQuery(clinicId));
  if (!profile.data || !visitTypes.data) {
    return (
      <QueryStatus
        query={profile.data ? visitTypes : profile}
        loadingLabel="Loading what you can book…"
      />
    );
  }
  const state = profile.data.profile?.state;
  if (!state) {
    return (
      <Alert color="yellow" title="Add your state first">
        Providers may only see you in a state where they are licensed, so we need to know where you
        are before showing their times. <TextLink to="/patient/profile">Add your state</TextLink> to
        your details, then come back here.
      </Alert>
    );
  }
  return (
    <Steps
      clinicId={clinicId}
      patientId={patientId}
      state={state}
      zone={profile.data.profile?.timeZone ?? viewerTimeZone}
      visitTypes={visitTypes.data.visitTypes}
    />
  );
}

function Steps(props: Self & { state: string; zone: string; visitTypes: VisitType[] }) {
  const { clinicId, state, zone, visitTypes } = props;
  // The visit type is in the address: it survives a detour to sign consents or add a state.
  const [searchParams, setSearchParams] = useSearchParams();
  const visitType = visitTypes.find((v) => v.slug === searchParams.get('type'));
  const [selected, setSelected] = useState<ChosenSlot>();
  const [confirming, setConfirming] = useState(false);
  const [booked, setBooked] = useState<Appointment>();
  const [pickerProblem, setPickerProblem] = useState<unknown>();
  const queryClient = useQueryClient();

  if (booked && visitType) {
    return <Booked appointment={booked} visitType={visitType} zone={zone} />;
  }
  if (confirming && selected && visitType) {
    return (
      <ConfirmBooking
        {...props}
        visitType={visitType}
        slot={selected}
        onBack={() => setConfirming(false)}
        onBooked={setBooked}
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
    <Stack gap="lg">
      {visitTypes.length === 0 ? (
        <Text>Your clinic has nothing to book yet.</Text>
      ) : (
        <NativeSelect
          label="Visit type"
          description="What is the visit for?"
          value={visitType?.slug ?? ''}
          onChange={(event) => {
            setSelected(undefined);
            setPickerProblem(undefined);
            const slug = event.currentTarget.value;
            setSearchParams(slug ? { type: slug } : {});
          }}
          data={[
            { value: '', label: 'Choose a visit type' },
            ...visitTypes.map((v) => ({ value: v.slug, label: v.name })),
          ]}
          maw={420}
        />
      )}
      {visitType && (
        <Text>
          {visitType.description ? `${visitType.description} ` : ''}
          {modalityLabel[visitType.modality]}, {visitType.durationMinutes} minutes,{' '}
          {priceLabel(visitType).toLowerCase()}.
        </Text>
      )}
      {pickerProblem !== undefined && <BookingProblem error={pickerProblem} />}
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

function ConfirmBooking(
  props: Self & {
    zone: string;
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
    <Card withBorder padding="lg" component="section" aria-labelledby="confirm-heading">
      <Stack gap="md">
        <Title order={2} id="confirm-heading" ref={heading} tabIndex={-1}>
          Confirm your visit
        </Title>
        <VisitSummary
          providerName={slot.providerName}
          visitType={visitType}
          startsAt={slot.startsAt}
          zone={zone}
        />
        {book.isError && !isStaleTime(book.error) && <BookingProblem error={book.error} />}
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

function Booked({
  appointment,
  visitType,
  zone,
}: {
  appointment: Appointment;
  visitType: VisitType;
  zone: string;
}) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="booked-heading">
      <Stack gap="md">
        <Title order={2} id="booked-heading" ref={heading} tabIndex={-1}>
          Your visit is booked
        </Title>
        <VisitSummary
          providerName={appointment.provider.displayName}
          visitType={visitType}
          startsAt={appointment.startsAt}
          zone={zone}
        />
        {visitType.intakeFormSlug && (
          <Text>
            Before your visit, please{' '}
            <TextLink to={`/patient/intake?form=${encodeURIComponent(visitType.intakeFormSlug)}`}>
              fill in the pre-visit questionnaire
            </TextLink>{' '}
            so your provider can prepare.
          </Text>
        )}
        <Text>
          You can move or cancel it in <TextLink to="/patient/visits">My visits</TextLink>.
        </Text>
      </Stack>
    </Card>
  );
}
