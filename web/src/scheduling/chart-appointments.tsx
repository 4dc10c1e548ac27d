import { useState } from 'react';
import { Alert, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { Appointment } from '@openvisit/contracts';
import { profileQuery } from '../chart/chart-queries';
import { patientQuery } from '../care/care-queries';
import { viewerTimeZone } from '../shell/format-time';
import { SuccessNotice } from '../shell/live-region';
import { QueryStatus } from '../shell/query-status';
import { patientAppointmentsQuery } from './scheduling-queries';
import { StaffBooking } from './staff-booking';
import { statusLabel } from './visit-labels';
import { dayAndTimeLabel, zoneLabel } from './zoned-time';

/**
 * The chart's Appointments tab: the patient's visits, upcoming and past, in the patient's
 * zone; staff and admins book a visit for them from here.
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
  const [booking, setBooking] = useState(false);
  const [notice, setNotice] = useState('');

  if (!appointments.data) {
    return <QueryStatus query={appointments} loadingLabel="Loading appointments…" />;
  }
  // Without the profile (still loading, or not readable) times fall back to this device's zone.
  const zone = profile.data?.profile?.timeZone ?? viewerTimeZone;
  const state = profile.data?.profile?.state;
  const patientName = patient.data?.patient.displayName ?? 'the patient';

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

  const { upcoming, past } = appointments.data;
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
      <VisitList id="chart-upcoming" title="Upcoming visits" visits={upcoming} zone={zone} />
      <VisitList id="chart-past" title="Past and cancelled visits" visits={past} zone={zone} />
    </>
  );
}

function VisitList(props: { id: string; title: string; visits: Appointment[]; zone: string }) {
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
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {props.visits.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>
                    <time dateTime={a.startsAt}>{dayAndTimeLabel(a.startsAt, props.zone)}</time>
                  </Table.Td>
                  <Table.Td>{a.visitType.name}</Table.Td>
                  <Table.Td>{a.provider.displayName}</Table.Td>
                  <Table.Td>
                    {a.cancelReason === 'Rescheduled' ? 'Moved to another time' : statusLabel(a)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
