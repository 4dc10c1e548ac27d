import { useState } from 'react';
import { Alert, Button, Group, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { Appointment, VisitType } from '@openvisit/contracts';
import { profileQuery } from '../chart/chart-queries';
import { patientQuery } from '../care/care-queries';
import { viewerTimeZone } from '../shell/format-time';
import { SuccessNotice } from '../shell/live-region';
import { QueryStatus } from '../shell/query-status';
import { CancelVisitDialog } from './cancel-visit-dialog';
import { RescheduleVisit } from './reschedule-visit';
import { patientAppointmentsQuery, visitTypesQuery } from './scheduling-queries';
import { StaffBooking } from './staff-booking';
import { statusLabel } from './visit-labels';
import { dayAndTimeLabel, zoneLabel } from './zoned-time';

/**
 * The chart's Appointments tab: the patient's visits, upcoming and past, in the patient's
 * zone. The front desk (staff and admins, `canBook`) books a visit for them from here, and
 * cancels or moves their coming visits (the server lets staff change any of them).
 */
export function ChartAppointments(props: {
  clinicId: string;
  patientId: string;
  canBook: boolean;
}) {
  const { clinicId, patientId } = props;
  const appointments = useQuery(patientAppointmentsQuery(clinicId, patientId));
  const profile = useQuery(profileQuery(clinicId, patientId));
  const patient = useQuery(patientQuery(clinicId, patientId));
  // For the cancellation window (the late warning); a retired visit type simply lacks it.
  const visitTypes = useQuery({ ...visitTypesQuery(clinicId), enabled: props.canBook });
  const [booking, setBooking] = useState(false);
  const [moving, setMoving] = useState<Appointment>();
  const [cancelling, setCancelling] = useState<Appointment>();
  const [notice, setNotice] = useState('');
  const queryClient = useQueryClient();

  if (!appointments.data) {
    return <QueryStatus query={appointments} loadingLabel="Loading appointments…" />;
  }
  // Without the profile (still loading, or not readable) times fall back to this device's zone.
  const zone = profile.data?.profile?.timeZone ?? viewerTimeZone;
  const state = profile.data?.profile?.state;
  const patientName = patient.data?.patient.displayName ?? 'the patient';
  const typeOf = (a: Appointment): VisitType | undefined =>
    visitTypes.data?.visitTypes.find((v) => v.id === a.visitType.id);
  const refresh = () =>
    queryClient.invalidateQueries({
      queryKey: patientAppointmentsQuery(clinicId, patientId).queryKey,
    });

  if (booking && state) {
    return (
      <StaffBooking
        clinicId={clinicId}
        patientId={patientId}
        patientName={patientName}
        state={state}
        zone={zone}
        onCancel={() => setBooking(false)}
        onBooked={(appointment) => {
          setBooking(false);
          setNotice(
            `Booked: ${appointment.visitType.name} with ${appointment.provider.displayName} on ${dayAndTimeLabel(appointment.startsAt, zone)}.`,
          );
        }}
      />
    );
  }

  if (moving) {
    // The front desk picks the new time in their own zone; the patient's is given beside it.
    return (
      <RescheduleVisit
        clinicId={clinicId}
        patientId={patientId}
        appointment={moving}
        visitType={typeOf(moving)}
        state={state ?? undefined}
        zone={viewerTimeZone}
        patient={{ name: patientName, zone }}
        onDone={(moved) => {
          setMoving(undefined);
          if (moved) {
            setNotice(
              `Moved: ${moved.visitType.name} with ${moved.provider.displayName} to ${dayAndTimeLabel(moved.startsAt, zone)}.`,
            );
          }
          void refresh();
        }}
      />
    );
  }

  const { upcoming, past } = appointments.data;
  const actions = props.canBook
    ? {
        onMove: (a: Appointment) => {
          setNotice('');
          setMoving(a);
        },
        onCancel: (a: Appointment) => {
          setNotice('');
          setCancelling(a);
        },
      }
    : undefined;
  return (
    <>
      <SuccessNotice message={notice} />
      <Text>Times are shown in the patient&apos;s zone, {zoneLabel(zone)}.</Text>
      {props.canBook && profile.data && !state && (
        <Alert color="yellow" title="No state on the profile">
          Providers may only see a patient where they are licensed: add the patient&apos;s state on
          the Profile tab before booking.
        </Alert>
      )}
      {props.canBook && state && (
        <Group>
          <Button
            onClick={() => {
              setNotice('');
              setBooking(true);
            }}
          >
            Book a visit
          </Button>
        </Group>
      )}
      <VisitList
        id="chart-upcoming"
        title="Upcoming visits"
        visits={upcoming}
        zone={zone}
        actions={actions}
      />
      <VisitList id="chart-past" title="Past and cancelled visits" visits={past} zone={zone} />
      {props.canBook && visitTypes.isError && (
        <Alert color="yellow">
          The visit types could not be loaded: late cancellations are not announced beforehand.
        </Alert>
      )}
      {props.canBook && (
        <CancelVisitDialog
          clinicId={clinicId}
          patientId={patientId}
          appointment={cancelling}
          visitType={cancelling && typeOf(cancelling)}
          zone={zone}
          patientName={patientName}
          onClose={() => setCancelling(undefined)}
          onCancelled={(cancelled) => {
            setCancelling(undefined);
            setNotice(
              `Cancelled: ${cancelled.visitType.name} on ${dayAndTimeLabel(cancelled.startsAt, zone)}${
                cancelled.lateCancellation ? ' (a late cancellation)' : ''
              }.`,
            );
            void refresh();
          }}
        />
      )}
    </>
  );
}

function VisitList(props: {
  id: string;
  title: string;
  visits: Appointment[];
  zone: string;
  /** The front desk's buttons for a coming visit. */
  actions?: { onMove: (a: Appointment) => void; onCancel: (a: Appointment) => void };
}) {
  const { actions, zone } = props;
  const [now] = useState(() => Date.now());
  // A visit that has started can no longer be cancelled or moved (the server says the same).
  const changeable = (a: Appointment) => a.status === 'booked' && Date.parse(a.startsAt) > now;
  return (
    <Stack gap="xs" component="section" aria-labelledby={props.id}>
      <Title order={2} size="h3" id={props.id}>
        {props.title}
      </Title>
      {props.visits.length === 0 ? (
        <Text>None.</Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Visit</Table.Th>
                <Table.Th>Provider</Table.Th>
                <Table.Th>Status</Table.Th>
                {actions && (
                  <Table.Th>
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                )}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {props.visits.map((a) => {
                const when = dayAndTimeLabel(a.startsAt, zone);
                return (
                  <Table.Tr key={a.id}>
                    <Table.Td>
                      <time dateTime={a.startsAt}>{when}</time>
                    </Table.Td>
                    <Table.Td>{a.visitType.name}</Table.Td>
                    <Table.Td>{a.provider.displayName}</Table.Td>
                    <Table.Td>
                      {a.cancelReason === 'Rescheduled' ? 'Moved to another time' : statusLabel(a)}
                    </Table.Td>
                    {actions && (
                      <Table.Td>
                        {changeable(a) && (
                          <Group gap="xs" wrap="nowrap">
                            <Button
                              size="compact-sm"
                              variant="default"
                              aria-label={`Reschedule the visit of ${when}`}
                              onClick={() => actions.onMove(a)}
                            >
                              Reschedule
                            </Button>
                            <Button
                              size="compact-sm"
                              variant="default"
                              color="red"
                              aria-label={`Cancel the visit of ${when}`}
                              onClick={() => actions.onCancel(a)}
                            >
                              Cancel
                            </Button>
                          </Group>
                        )}
                      </Table.Td>
                    )}
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
