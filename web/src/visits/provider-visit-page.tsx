import { useState } from 'react';
import { Alert, Button, Group, Modal, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { describeError } from '../api/describe-error';
import { useWorkforceClinic } from '../auth/clinic-of';
import { useSession } from '../auth/session';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';
import { TextLink } from '../shell/text-link';
import { VisitNoteEditor } from '../visit-notes/note-editor';
import { CallView } from './call-view';
import { useVisitLive } from './use-visit-live';
import { useVisitGuestsLive, visitGuestsQuery } from './visit-guest-queries';
import { callPeersOf, ProviderGuests } from './visit-guests-panel';
import {
  changeVisit,
  fetchIceServers,
  putVisit,
  visitQuery,
  type VisitView,
} from './visit-queries';

/** The provider's side of a visit: the call, its guests, and ending it for everyone. */
export function ProviderVisitPage() {
  const clinic = useWorkforceClinic();
  const { visitId = '' } = useParams();
  const sessionState = useSession();
  const viewerId = sessionState.status === 'signed-in' ? sessionState.session.user.id : '';
  return (
    <Stack gap="lg" maw={1400}>
      <PageTitle title="Video visit" />
      {clinic?.roles.has('provider') ? (
        <RunningVisit clinicId={clinic.clinicId} visitId={visitId} viewerId={viewerId} />
      ) : (
        <>
          <Title order={1}>Video visit</Title>
          <Text>Only providers run visits here.</Text>
        </>
      )}
    </Stack>
  );
}

function RunningVisit({ clinicId, visitId, viewerId }: VisitView) {
  useVisitLive({ clinicId, visitId, viewerId });
  useVisitGuestsLive(clinicId, visitId, viewerId);
  const queryClient = useQueryClient();
  const visit = useQuery(visitQuery(clinicId, visitId));
  const live = visit.data?.state === 'in-progress';
  const guests = useQuery({
    ...visitGuestsQuery(clinicId, visitId, viewerId),
    enabled: live || visit.data?.state === 'waiting',
  });
  const [confirming, setConfirming] = useState(false);
  const end = useMutation({
    mutationFn: () => changeVisit(clinicId, visitId, 'end'),
    onSuccess: (changed) => {
      setConfirming(false);
      putVisit(queryClient, changed);
    },
  });
  if (!visit.data) {
    return (
      <>
        <Title order={1}>Video visit</Title>
        <QueryStatus query={visit} loadingLabel="Loading the visit…" />
      </>
    );
  }
  const v = visit.data;
  const guestList = guests.data?.guests ?? [];
  return (
    <Stack gap="md">
      <Title order={1}>Visit with {v.patient.displayName}</Title>
      <Text>{v.visitType.name}</Text>
      {live || v.state === 'completed' ? (
        // The note beside the call on a wide screen, below it on a narrow one.
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <Stack gap="lg">
            <CallView
              visitId={visitId}
              selfId={viewerId}
              peers={callPeersOf(v, guestList, viewerId)}
              fetchIceServers={() => fetchIceServers(clinicId, visitId)}
              ended={!live}
              endedMessage={`The call with ${v.patient.displayName} is over.`}
              chat={{ clinicId, visitId, viewerId }}
            />
            {live && <ProviderGuests clinicId={clinicId} visitId={visitId} guests={guestList} />}
          </Stack>
          <VisitNoteEditor clinicId={clinicId} visitId={visitId} />
        </SimpleGrid>
      ) : (
        <Text>
          This visit is not under way. Admit the patient from the{' '}
          <TextLink to="/provider/waiting-room">waiting room</TextLink>.
        </Text>
      )}
      {live && (
        <Group>
          <Button color="red" onClick={() => setConfirming(true)}>
            End visit
          </Button>
        </Group>
      )}
      {!live && (
        <Text>
          Back to the <TextLink to="/provider/waiting-room">waiting room</TextLink>.
        </Text>
      )}
      <Modal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title="End the visit for everyone?"
      >
        <Stack gap="md">
          <Text>
            The call ends for {v.patient.displayName} too
            {guestList.some((g) => g.state === 'admitted') ? ' and for the guests' : ''}. It cannot
            be restarted.
          </Text>
          {end.isError && (
            <Alert color="red" title={describeError(end.error).title}>
              {describeError(end.error).message}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Keep the call
            </Button>
            <Button color="red" loading={end.isPending} onClick={() => end.mutate()}>
              End visit
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
