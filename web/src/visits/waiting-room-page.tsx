import { useEffect, useState } from 'react';
import { Alert, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { visitEventTypes } from '@openvisit/contracts';
import { describeError } from '../api/describe-error';
import { useWorkforceClinic } from '../auth/clinic-of';
import { useSession } from '../auth/session';
import { userRoom } from '../messaging/messaging-queries';
import { DateTime } from '../shell/format-time';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';
import { realtime, refreshWhenPresent } from '../shell/realtime';
import { TextLink } from '../shell/text-link';
import { changeVisit, putVisit, waitingRoomKey, waitingRoomQuery } from './visit-queries';
import { waitedLabel } from './visit-time';
import { WaitingNoteButton } from './waiting-note';

/** The provider's queue: patients who checked in, longest waiting first, admitted from here. */
export function WaitingRoomPage() {
  const clinic = useWorkforceClinic();
  return (
    <Stack gap="lg" maw={1000}>
      <PageTitle title="Waiting room" />
      <Title order={1}>Waiting room</Title>
      {clinic?.roles.has('provider') ? (
        <Queue clinicId={clinic.clinicId} />
      ) : (
        <Text>Only providers have a waiting room here.</Text>
      )}
    </Stack>
  );
}

/** "Now", every 15 seconds: wait times move on without a refetch. */
function useNow(intervalMs = 15_000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

function Queue({ clinicId }: { clinicId: string }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const sessionState = useSession();
  const viewerId = sessionState.status === 'signed-in' ? sessionState.session.user.id : '';
  const queue = useQuery(waitingRoomQuery(clinicId));
  const now = useNow();
  // The provider's own room (held by the layout) hears every change to their visits; a fresh
  // join of it (a reconnect the resume did not cover) may have missed some.
  useEffect(() => {
    const refresh = () =>
      refreshWhenPresent(queryClient, `waiting-room:${clinicId}`, {
        queryKey: waitingRoomKey(clinicId),
        exact: true,
      });
    const stops = [
      realtime.on(visitEventTypes.visitUpdated, refresh),
      realtime.onRoomLive((room) => {
        if (room === userRoom(viewerId)) refresh();
      }),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }, [queryClient, clinicId, viewerId]);
  const admit = useMutation({
    mutationFn: (visitId: string) => changeVisit(clinicId, visitId, 'admit'),
    onSuccess: (visit) => {
      putVisit(queryClient, visit);
      void navigate(`/provider/visits/${visit.id}`);
    },
  });

  if (!queue.data) return <QueryStatus query={queue} loadingLabel="Loading the waiting room…" />;
  const visits = queue.data.visits;
  return (
    <Stack gap="md">
      <Text>This list updates by itself when a patient checks in.</Text>
      {admit.isError && (
        <Alert color="red" title={describeError(admit.error).title}>
          {describeError(admit.error).message}
        </Alert>
      )}
      {visits.length === 0 ? (
        <Text>No one is waiting.</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="Patients waiting">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Patient</Table.Th>
                <Table.Th>Visit</Table.Th>
                <Table.Th>Scheduled</Table.Th>
                <Table.Th>Waiting</Table.Th>
                <Table.Th>Action</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {visits.map((visit) => (
                <Table.Tr key={visit.id}>
                  <Table.Td>{visit.patient.displayName}</Table.Td>
                  <Table.Td>{visit.visitType.name}</Table.Td>
                  <Table.Td>
                    <DateTime iso={visit.startsAt} />
                  </Table.Td>
                  <Table.Td>
                    {visit.state === 'in-progress'
                      ? 'In the visit'
                      : visit.checkedInAt
                        ? waitedLabel(visit.checkedInAt, now)
                        : '—'}
                  </Table.Td>
                  <Table.Td>
                    {visit.state === 'waiting' ? (
                      <Group gap="xs">
                        <Button
                          size="xs"
                          loading={admit.isPending && admit.variables === visit.id}
                          aria-label={`Admit ${visit.patient.displayName}`}
                          onClick={() => admit.mutate(visit.id)}
                        >
                          Admit
                        </Button>
                        <WaitingNoteButton clinicId={clinicId} visit={visit} />
                      </Group>
                    ) : (
                      <TextLink to={`/provider/visits/${visit.id}`}>Rejoin the call</TextLink>
                    )}
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
