import { useEffect, useState } from 'react';
import { Alert, Button, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from 'react-router';
import type { Visit } from '@openvisit/contracts';
import { describeError } from '../api/describe-error';
import { useOwnRecord } from '../chart/my-record-pages';
import { DateTime } from '../shell/format-time';
import { LiveRegion } from '../shell/live-region';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';
import { TextLink } from '../shell/text-link';
import { CallView } from './call-view';
import { DeviceCheck } from './device-check';
import { useVisitLive } from './use-visit-live';
import { useVisitGuestsLive, visitGuestsQuery } from './visit-guest-queries';
import { callPeersOf, CallPeople } from './visit-guests-panel';
import {
  changeVisit,
  fetchIceServers,
  putVisit,
  visitQuery,
  type VisitView,
} from './visit-queries';

/** The patient's video visit: device check and check-in, the waiting room, then the call. */
export function PatientVisitRoomPage() {
  const record = useOwnRecord();
  const { visitId = '' } = useParams();
  return (
    <Stack gap="lg" maw={1000}>
      <PageTitle title="Video visit" />
      <Title order={1}>Video visit</Title>
      {record ? (
        <Room clinicId={record.clinicId} visitId={visitId} viewerId={record.patientId} />
      ) : (
        <Text>Only patients join their visits here.</Text>
      )}
    </Stack>
  );
}

function Room({ clinicId, visitId, viewerId }: VisitView) {
  useVisitLive({ clinicId, visitId, viewerId });
  useVisitGuestsLive(clinicId, visitId, viewerId);
  const visit = useQuery(visitQuery(clinicId, visitId));
  const guests = useQuery({
    ...visitGuestsQuery(clinicId, visitId, viewerId),
    enabled: visit.data?.state === 'in-progress',
  });
  if (!visit.data) return <QueryStatus query={visit} loadingLabel="Loading your visit…" />;
  const v = visit.data;
  const provider = v.provider.displayName;

  if (v.state === 'in-progress' || v.state === 'completed') {
    const ended = v.state === 'completed';
    const guestList = guests.data?.guests ?? [];
    return (
      <Stack gap="md">
        <Text>
          {v.visitType.name} with {provider}
        </Text>
        <CallView
          visitId={visitId}
          selfId={viewerId}
          peers={callPeersOf(v, guestList, viewerId)}
          fetchIceServers={() => fetchIceServers(clinicId, visitId)}
          ended={ended}
          endedMessage={`The call with ${provider} is over.`}
          chat={{ clinicId, visitId, viewerId }}
        />
        {!ended && <CallPeople visit={v} guests={guestList} />}
        {ended && (
          <Text>
            Back to <TextLink to="/patient/visits">My visits</TextLink>.
          </Text>
        )}
      </Stack>
    );
  }
  if (v.state === 'cancelled' || v.state === 'no-show') {
    return (
      <Stack gap="md">
        <Alert
          color="yellow"
          title={v.state === 'cancelled' ? 'This visit was cancelled' : 'This visit was missed'}
        >
          {v.state === 'cancelled'
            ? `Your visit with ${provider} will not take place. You can book another time.`
            : `The clinic marked this visit as missed. Message your care team or book another time.`}
        </Alert>
        <Text>
          <TextLink to="/patient/book">Book a visit</TextLink> or go back to{' '}
          <TextLink to="/patient/visits">My visits</TextLink>.
        </Text>
      </Stack>
    );
  }
  return (
    <Stack gap="lg">
      <Text>
        {v.visitType.name} with {provider} at <DateTime iso={v.startsAt} />.
      </Text>
      <WaitingStatus visit={v} />
      <DeviceCheck />
    </Stack>
  );
}

/** Check-in, then what the patient is waiting for (announced as it changes). */
function WaitingStatus({ visit }: { visit: Visit }) {
  const queryClient = useQueryClient();
  const opensAt = Date.parse(visit.checkInOpensAt);
  const [open, setOpen] = useState(() => Date.now() >= opensAt);
  useEffect(() => {
    if (open) return;
    // Enables the button when check-in opens (a timer, capped to what setTimeout allows).
    const timer = setTimeout(() => setOpen(true), Math.min(opensAt - Date.now(), 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [open, opensAt]);
  const checkIn = useMutation({
    mutationFn: () => changeVisit(visit.clinicId, visit.id, 'check-in'),
    onSuccess: (changed) => putVisit(queryClient, changed),
  });

  return (
    <Stack gap="sm" component="section" aria-labelledby="waiting-heading">
      <Title order={2} size="h3" id="waiting-heading">
        Waiting room
      </Title>
      <LiveRegion>
        {visit.state === 'waiting' ? (
          <Text fw={600} data-testid="waiting-status">
            {visit.provider.displayName} knows you are here; they will let you in shortly.
          </Text>
        ) : null}
        {visit.state === 'waiting' && visit.providerNote ? (
          <Alert color="blue" role="none" title={`A note from ${visit.provider.displayName}`}>
            {visit.providerNote}
          </Alert>
        ) : null}
      </LiveRegion>
      {visit.state === 'scheduled' && (
        <Stack gap="xs" align="flex-start">
          <Button
            disabled={!open}
            loading={checkIn.isPending}
            onClick={() => checkIn.mutate()}
            aria-describedby="check-in-hint"
          >
            Check in
          </Button>
          <Text id="check-in-hint" size="sm">
            {open ? (
              'Check in so your provider knows you are ready.'
            ) : (
              <>
                Check-in opens at <DateTime iso={visit.checkInOpensAt} />.
              </>
            )}
          </Text>
          {checkIn.isError && (
            <Alert color="red" title={describeError(checkIn.error).title}>
              {describeError(checkIn.error).message}
            </Alert>
          )}
        </Stack>
      )}
    </Stack>
  );
}
