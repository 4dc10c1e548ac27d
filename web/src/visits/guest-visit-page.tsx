import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Alert, Button, Container, Stack, Text, TextInput, Title } from '@mantine/core';
import {
  useMutation,
  useQuery,
  useQueryClient,
  type UseMutationResult,
} from '@tanstack/react-query';
import {
  guestVisitSchema,
  visitCallSchema,
  visitGuestEventTypes,
  VISIT_GUEST_NAME_MAX,
  type GuestVisit,
} from '@openvisit/contracts';
import { ApiProblem } from '../api/client';
import { bodyFieldErrors } from '../api/field-errors';
import { FormProblemAlert } from '../auth/form-feedback';
import { userRoom } from '../messaging/messaging-queries';
import { DateTime } from '../shell/format-time';
import { LiveRegion } from '../shell/live-region';
import { PageTitle } from '../shell/page-title';
import { realtime, useRealtimeRoom } from '../shell/realtime';
import { CallView, type CallPeer } from './call-view';
import { DeviceCheck } from './device-check';
import {
  acceptInvite,
  fetchGuestIceServers,
  guestVisitKey,
  guestVisitQuery,
} from './visit-guest-queries';
import { visitRoom } from './visit-queries';
import classes from './visits.module.css';

/*
 * A guest's visit (docs/visits.md "Guests"): an interpreter or a family member, no account.
 * The invite link's token is in the URL's fragment, which no server sees: it is read once,
 * taken out of the address bar, and sent nowhere but the accept. The accept sets the guest's
 * cookie; from there (a reload included) the page asks `/api/guest/visit`. The page has no
 * app shell: a guest is nobody's signed-in session and has nowhere else to go.
 */

/** The invite token from `#<token>` (empty when there is none). */
const tokenInAddress = () => window.location.hash.replace(/^#/, '');

export function GuestVisitPage() {
  return (
    <Container size="lg" py="lg">
      <PageTitle title="Video visit" />
      <header className={classes.guestHeader}>
        <Text fw={700}>OpenVisit</Text>
      </header>
      <main id="main" tabIndex={-1}>
        <Stack gap="lg">
          <Title order={1}>Video visit</Title>
          <GuestVisit />
        </Stack>
      </main>
    </Container>
  );
}

function GuestVisit() {
  const queryClient = useQueryClient();
  const [token, setToken] = useState(tokenInAddress);
  const [accepted, setAccepted] = useState(false);
  useEffect(() => {
    // The link is a credential: out of the address bar (and its history entry) at once.
    if (window.location.hash) {
      window.history.replaceState(
        window.history.state,
        '',
        window.location.pathname + window.location.search,
      );
    }
  }, []);
  // With a token the person is about to accept; without, they may have a session (a reload).
  const visit = useQuery({ ...guestVisitQuery, enabled: !token || accepted });
  const accept = useMutation({
    mutationFn: (displayName: string) => acceptInvite(token, displayName),
    onSuccess: (view) => {
      queryClient.setQueryData(guestVisitKey, view);
      setAccepted(true);
      setToken('');
    },
  });

  // 401: the guest's session is over (removed, visit over, expired), not a network blip.
  const signedOut = visit.error instanceof ApiProblem && visit.error.status === 401;
  if (visit.data) return <GuestInVisit view={visit.data} unavailable={signedOut} />;
  if (token) return <NameForm accept={accept} />;
  if (visit.isPending) return <Text>Loading your visit…</Text>;
  return (
    <Alert color="yellow" title={signedOut ? 'This link cannot be used' : 'Something went wrong'}>
      {signedOut
        ? 'Invite links work once and expire. Open the link you were sent, or ask the provider for a new one.'
        : 'The visit could not be loaded. Check your internet connection and reload the page.'}
    </Alert>
  );
}

function NameForm({ accept }: { accept: UseMutationResult<GuestVisit, Error, string> }) {
  const [name, setName] = useState('');
  const [localError, setLocalError] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!name.trim()) {
      setLocalError('Enter your name.');
      input.current?.focus();
      return;
    }
    setLocalError('');
    accept.mutate(name.trim());
  };
  const fieldError = localError || bodyFieldErrors(accept.error).displayName;
  return (
    <Stack gap="md" maw={480}>
      <Text>
        You are invited to join a video visit, as an interpreter or a family member. You need no
        account. The provider sees the name you give and lets you in.
      </Text>
      {accept.isError && (
        <FormProblemAlert
          error={accept.error}
          attempt={accept.submittedAt}
          fields={['displayName']}
          explain={(problem) =>
            problem.is('invalid-token')
              ? {
                  title: 'This invite link cannot be used',
                  message:
                    'Invite links work once and expire. Ask the provider who invited you for a new one.',
                }
              : undefined
          }
        />
      )}
      <form onSubmit={submit} aria-label="Join the visit">
        <Stack gap="md">
          <TextInput
            ref={input}
            label="Your name"
            description="As the provider and the patient should see it, e.g. “Sam (interpreter)”."
            name="displayName"
            autoComplete="name"
            maxLength={VISIT_GUEST_NAME_MAX}
            required
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            error={fieldError}
          />
          <Button type="submit" loading={accept.isPending} style={{ alignSelf: 'flex-start' }}>
            Join the visit
          </Button>
        </Stack>
      </form>
    </Stack>
  );
}

/**
 * The guest's realtime connection, with their cookie (the shell's connects signed-in people
 * only): their own room hears `visit.guest`; once admitted the call's room hears
 * `visit.participants`. Off once their session is over.
 */
function useGuestLive(view: GuestVisit, over: boolean, onSessionEnded: () => void) {
  const queryClient = useQueryClient();
  const guestId = view.guest.id;
  const inCall = view.guest.state === 'admitted' && view.visit.state === 'in-progress';
  const latestEnded = useRef(onSessionEnded);
  useEffect(() => {
    latestEnded.current = onSessionEnded;
  });
  useEffect(() => {
    if (over) return;
    realtime.follow(`guest:${guestId}`, () => latestEnded.current());
    return () => realtime.follow(undefined, () => undefined);
  }, [guestId, over]);
  useRealtimeRoom(over ? undefined : userRoom(guestId));
  useRealtimeRoom(!over && inCall ? visitRoom(view.visit.id) : undefined);

  useEffect(() => {
    const put = (change: (old: GuestVisit) => GuestVisit) =>
      queryClient.setQueryData(guestVisitKey, (old: GuestVisit | undefined) =>
        old ? change(old) : old,
      );
    const stops = [
      realtime.on(visitGuestEventTypes.guest, (event) => {
        const parsed = guestVisitSchema.safeParse(event.data.guestVisit);
        if (parsed.success && parsed.data.guest.id === guestId) put(() => parsed.data);
      }),
      realtime.on(visitGuestEventTypes.participants, (event) => {
        const parsed = visitCallSchema.safeParse(event.data.call);
        if (!parsed.success) return;
        const call = parsed.data;
        put((old) => {
          if (call.visitId !== old.visit.id || old.guest.state !== 'admitted') return old;
          const stillIn = call.participants.some((p) => p.id === guestId);
          return {
            ...old,
            visit: { ...old.visit, state: call.state },
            // Left out of an open call: the provider removed this guest.
            guest: stillIn ? old.guest : { ...old.guest, state: 'removed' },
            participants: stillIn ? call.participants : [],
          };
        });
      }),
      realtime.onRoomLive((room) => {
        // A fresh join may have missed a change (admitted meanwhile): ask once.
        if (room === userRoom(guestId) || room === visitRoom(view.visit.id)) {
          void queryClient.invalidateQueries({ queryKey: guestVisitKey, exact: true });
        }
      }),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }, [queryClient, guestId, view.visit.id]);
}

const OVER_STATES = new Set(['completed', 'cancelled', 'no-show']);

/** The guest's pages after accepting: waiting, the call, or why it is over. */
function GuestInVisit({ view, unavailable }: { view: GuestVisit; unavailable: boolean }) {
  const queryClient = useQueryClient();
  const [sessionEnded, setSessionEnded] = useState(false);
  const removed = view.guest.state === 'removed';
  const visitOver = OVER_STATES.has(view.visit.state);
  // The server no longer answers this guest (removed, visit over, or their time is up).
  const over = removed || visitOver || sessionEnded || unavailable;
  useGuestLive(view, over, () => {
    setSessionEnded(true);
    // Why: the events say (removed, visit over); a last look confirms it is over.
    void queryClient.invalidateQueries({ queryKey: guestVisitKey, exact: true });
  });
  const provider = view.visit.provider.displayName;
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  let body: ReactNode;
  if (removed) {
    body = (
      <Alert color="yellow" role="none" title="You were removed from this visit">
        {provider} took you out of the call. If this was a mistake, ask them for a new invite link.
      </Alert>
    );
  } else if (visitOver) {
    body = (
      <Alert color="blue" role="none" title="The visit has ended">
        {view.visit.state === 'completed'
          ? `${provider} ended the visit. Thank you for joining. You can close this page.`
          : 'This visit will not take place. You can close this page.'}
      </Alert>
    );
  } else if (over) {
    body = (
      <Alert color="yellow" role="none" title="You are no longer in this visit">
        The provider removed you, or the visit is over. To join again, ask {provider} for a new
        invite link.
      </Alert>
    );
  } else if (view.guest.state === 'admitted' && view.visit.state === 'in-progress') {
    body = <GuestCall view={view} />;
  } else {
    body = (
      <Stack gap="lg">
        <Text fw={600} data-testid="guest-waiting-status">
          Thank you, {view.guest.displayName}. {provider} knows you are here. The provider will let
          you in.
        </Text>
        <Text size="sm">
          Visit time: <DateTime iso={view.visit.startsAt} />. Keep this page open; the call opens
          here.
        </Text>
        <DeviceCheck />
      </Stack>
    );
  }
  return (
    <Stack gap="md">
      <Title order={2} size="h3" ref={heading} tabIndex={-1}>
        Visit with {provider}
      </Title>
      <LiveRegion>{over ? body : null}</LiveRegion>
      {!over && body}
    </Stack>
  );
}

function GuestCall({ view }: { view: GuestVisit }) {
  // Guests are not told the patient's name: the patient introduces themselves.
  const peers: CallPeer[] = view.participants
    .filter((p) => p.id !== view.guest.id)
    .map((p) => ({
      id: p.id,
      name: p.role === 'patient' ? 'Patient' : (p.displayName ?? 'Guest'),
    }));
  return (
    <CallView
      visitId={view.visit.id}
      selfId={view.guest.id}
      peers={peers}
      fetchIceServers={fetchGuestIceServers}
      ended={false}
      endedMessage="The call is over."
    />
  );
}
