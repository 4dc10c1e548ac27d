import { useState } from 'react';
import { Alert, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { Appointment, VisitType } from '@openvisit/contracts';
import { profileQuery } from '../chart/chart-queries';
import { useOwnRecord } from '../chart/my-record-pages';
import { viewerTimeZone } from '../shell/format-time';
import { SuccessNotice } from '../shell/live-region';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';
import { TextLink } from '../shell/text-link';
import { CancelVisitDialog } from './cancel-visit-dialog';
import { RescheduleVisit } from './reschedule-visit';
import { patientAppointmentsQuery, visitTypesQuery } from './scheduling-queries';
import { modalityLabel, statusLabel } from './visit-labels';
import { dayAndTimeLabel, zoneLabel } from './zoned-time';

/** The patient's visits: upcoming ones to move or cancel, and the history. */
export function MyVisitsPage() {
  const record = useOwnRecord();
  return (
    <Stack gap="lg" maw={900}>
      <PageTitle title="My visits" />
      <Title order={1}>My visits</Title>
      {record ? <Visits {...record} /> : <Text>Only patients have visits here.</Text>}
    </Stack>
  );
}

function Visits({ clinicId, patientId }: { clinicId: string; patientId: string }) {
  const appointments = useQuery(patientAppointmentsQuery(clinicId, patientId));
  const profile = useQuery(profileQuery(clinicId, patientId));
  // For the cancellation window and the price; a retired visit type simply lacks them.
  const visitTypes = useQuery(visitTypesQuery(clinicId));
  const [notice, setNotice] = useState('');
  const [moving, setMoving] = useState<Appointment>();
  const [cancelling, setCancelling] = useState<Appointment>();
  const queryClient = useQueryClient();

  if (!appointments.data || !profile.data) {
    return (
      <QueryStatus
        query={appointments.data ? profile : appointments}
        loadingLabel="Loading your visits…"
      />
    );
  }
  const zone = profile.data.profile?.timeZone ?? viewerTimeZone;
  const typeOf = (a: Appointment): VisitType | undefined =>
    visitTypes.data?.visitTypes.find((v) => v.id === a.visitType.id);
  const refresh = () =>
    queryClient.invalidateQueries({
      queryKey: patientAppointmentsQuery(clinicId, patientId).queryKey,
    });

  if (moving) {
    return (
      <RescheduleVisit
        clinicId={clinicId}
        patientId={patientId}
        appointment={moving}
        visitType={typeOf(moving)}
        state={profile.data.profile?.state ?? undefined}
        zone={zone}
        onDone={(moved) => {
          setMoving(undefined);
          if (moved) {
            setNotice(`Your visit was moved to ${dayAndTimeLabel(moved.startsAt, zone)}.`);
          }
          void refresh();
        }}
      />
    );
  }

  const { upcoming, past } = appointments.data;
  return (
    <>
      <SuccessNotice message={notice} />
      <Text>Times are shown in {zoneLabel(zone)}.</Text>
      <Stack gap="sm" component="section" aria-labelledby="upcoming-heading">
        <Title order={2} id="upcoming-heading">
          Upcoming visits
        </Title>
        {upcoming.length === 0 ? (
          <Text>
            No upcoming visits. <TextLink to="/patient/book">Book a visit</TextLink>.
          </Text>
        ) : (
          <Stack component="ul" gap="sm" p={0} style={{ listStyle: 'none' }}>
            {upcoming.map((appointment) => (
              <Card component="li" withBorder padding="md" key={appointment.id}>
                <Stack gap="xs">
                  <Title order={3} size="h4">
                    {dayAndTimeLabel(appointment.startsAt, zone)}
                  </Title>
                  <Text>
                    {appointment.visitType.name} with {appointment.provider.displayName} (
                    {modalityLabel[appointment.visitType.modality].toLowerCase()},{' '}
                    {appointment.visitType.durationMinutes} minutes)
                  </Text>
                  <Group gap="sm">
                    {appointment.visitType.modality === 'video' && (
                      <Button
                        component={Link}
                        to={`/patient/visits/${appointment.id}/room`}
                        aria-label={`Join video visit on ${dayAndTimeLabel(appointment.startsAt, zone)}`}
                      >
                        Join video visit
                      </Button>
                    )}
                    <Button
                      variant="default"
                      onClick={() => {
                        setNotice('');
                        setMoving(appointment);
                      }}
                    >
                      Reschedule
                    </Button>
                    <Button
                      variant="default"
                      color="red"
                      onClick={() => {
                        setNotice('');
                        setCancelling(appointment);
                      }}
                    >
                      Cancel visit
                    </Button>
                  </Group>
                </Stack>
              </Card>
            ))}
          </Stack>
        )}
      </Stack>
      <Stack gap="sm" component="section" aria-labelledby="past-heading">
        <Title order={2} id="past-heading">
          Past and cancelled visits
        </Title>
        {past.length === 0 ? (
          <Text>None yet.</Text>
        ) : (
          <Table.ScrollContainer minWidth={560}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>When</Table.Th>
                  <Table.Th>Visit</Table.Th>
                  <Table.Th>Provider</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Summary</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {past.map((appointment) => (
                  <Table.Tr key={appointment.id}>
                    <Table.Td>{dayAndTimeLabel(appointment.startsAt, zone)}</Table.Td>
                    <Table.Td>{appointment.visitType.name}</Table.Td>
                    <Table.Td>{appointment.provider.displayName}</Table.Td>
                    <Table.Td>
                      {appointment.cancelReason === 'Rescheduled'
                        ? 'Moved to another time'
                        : statusLabel(appointment)}
                    </Table.Td>
                    <Table.Td>
                      {appointment.status === 'completed' &&
                      appointment.visitType.modality === 'video' ? (
                        <TextLink
                          to={`/patient/visits/${appointment.id}/summary`}
                          aria-label={`Summary of the visit on ${dayAndTimeLabel(appointment.startsAt, zone)}`}
                        >
                          Visit summary
                        </TextLink>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Stack>
      {visitTypes.isError && (
        <Alert color="yellow">
          The visit types could not be loaded: cancellation windows are not shown.
        </Alert>
      )}
      <CancelVisitDialog
        clinicId={clinicId}
        patientId={patientId}
        appointment={cancelling}
        visitType={cancelling && typeOf(cancelling)}
        zone={zone}
        onClose={() => setCancelling(undefined)}
        onCancelled={(cancelled) => {
          setCancelling(undefined);
          setNotice(
            `Your visit on ${dayAndTimeLabel(cancelled.startsAt, zone)} was cancelled${
              cancelled.lateCancellation ? ' (a late cancellation)' : ''
            }.`,
          );
          void refresh();
        }}
      />
    </>
  );
}
