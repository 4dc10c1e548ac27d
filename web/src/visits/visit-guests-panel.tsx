import { useState } from 'react';
import {
  Alert,
  Button,
  CopyButton,
  Group,
  Modal,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Visit, VisitGuest } from '@openvisit/contracts';
import { describeError } from '../api/describe-error';
import { DateTime } from '../shell/format-time';
import { LiveRegion } from '../shell/live-region';
import type { CallPeer } from './call-view';
import { changeGuest, guestStateLabel, inviteGuest, putGuest } from './visit-guest-queries';
import classes from './visits.module.css';

/** Everyone in the call but the viewer, named as the patient and the provider see them. */
export function callPeersOf(visit: Visit, guests: VisitGuest[], viewerId: string): CallPeer[] {
  const admitted = guests
    .filter((g) => g.state === 'admitted')
    // The order the server lists the call in: by admission.
    .sort((a, b) => (a.admittedAt ?? '').localeCompare(b.admittedAt ?? ''));
  return [
    { id: visit.patient.id, name: visit.patient.displayName },
    { id: visit.provider.id, name: visit.provider.displayName },
    ...admitted.map((g) => ({ id: g.id, name: g.displayName })),
  ].filter((peer) => peer.id !== viewerId);
}

/** How a guest is named in the list and on its buttons (no name before the link is used). */
const guestName = (guest: VisitGuest) => guest.displayName || 'Unused invite link';

/**
 * The provider's guests of a visit: invite one (a single-use link), and admit or remove
 * those who used theirs. Live from `visit.guests` (the caller keeps the list live).
 */
export function ProviderGuests({
  clinicId,
  visitId,
  guests,
}: {
  clinicId: string;
  visitId: string;
  guests: VisitGuest[];
}) {
  const queryClient = useQueryClient();
  const [inviting, setInviting] = useState(false);
  const [done, setDone] = useState('');
  const change = useMutation({
    mutationFn: ({ guest, step }: { guest: VisitGuest; step: 'admit' | 'remove' }) =>
      changeGuest(clinicId, visitId, guest.id, step),
    onSuccess: (changed, { step }) => {
      putGuest(queryClient, clinicId, visitId, changed);
      const name = guestName(changed);
      setDone(step === 'admit' ? `${name} is joining the call.` : `${name} was removed.`);
    },
  });
  const shown = guests.filter((g) => g.state !== 'removed' || g.displayName);

  return (
    <Stack gap="sm" component="section" aria-labelledby="guests-heading">
      <Group justify="space-between">
        <Title order={2} size="h3" id="guests-heading">
          Guests
        </Title>
        <Button variant="default" onClick={() => setInviting(true)}>
          Invite a guest
        </Button>
      </Group>
      <Text size="sm">
        An interpreter or a family member can join by a link, without an account. At most four
        people take part: the patient, you and two guests.
      </Text>
      {shown.length === 0 ? (
        <Text>No guests invited.</Text>
      ) : (
        <ul className={classes.guestList} aria-label="Guests of this visit">
          {shown.map((guest) => (
            <li key={guest.id} className={classes.guest}>
              <Group justify="space-between" wrap="wrap" gap="xs">
                <div>
                  <Text fw={600}>{guestName(guest)}</Text>
                  <Text size="sm" data-testid="guest-state">
                    {guestStateLabel[guest.state]}
                    {guest.state === 'invited' && (
                      <>
                        {' '}
                        · expires <DateTime iso={guest.inviteExpiresAt} />
                      </>
                    )}
                  </Text>
                </div>
                <Group gap="xs">
                  {guest.state === 'waiting' && (
                    <Button
                      size="xs"
                      loading={change.isPending && change.variables?.guest.id === guest.id}
                      onClick={() => change.mutate({ guest, step: 'admit' })}
                    >
                      Admit {guestName(guest)}
                    </Button>
                  )}
                  {guest.state !== 'removed' && (
                    <Button
                      size="xs"
                      variant="default"
                      color="red"
                      onClick={() => change.mutate({ guest, step: 'remove' })}
                    >
                      {guest.state === 'invited'
                        ? 'Withdraw the unused link'
                        : `Remove ${guestName(guest)}`}
                    </Button>
                  )}
                </Group>
              </Group>
            </li>
          ))}
        </ul>
      )}
      <LiveRegion>
        {change.isError ? (
          <Alert color="red" role="none" title={describeError(change.error).title}>
            {describeError(change.error).message}
          </Alert>
        ) : done ? (
          <Text size="sm">{done}</Text>
        ) : null}
      </LiveRegion>
      <InviteDialog
        clinicId={clinicId}
        visitId={visitId}
        opened={inviting}
        onClose={() => setInviting(false)}
      />
    </Stack>
  );
}

/** Makes a single-use link and shows it once, with when it expires. */
function InviteDialog({
  clinicId,
  visitId,
  opened,
  onClose,
}: {
  clinicId: string;
  visitId: string;
  opened: boolean;
  onClose: () => void;
}) {
  const invite = useMutation({ mutationFn: () => inviteGuest(clinicId, visitId) });
  const close = () => {
    // The link is shown once: a new dialog makes a new one.
    invite.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title="Invite a guest">
      <Stack gap="md">
        <Text>
          Send the link to the interpreter or family member who should join. It works once: the
          first person who opens it gives their name and waits until you let them in. Share it only
          with them, by a channel you trust.
        </Text>
        {invite.data ? (
          <Stack gap="xs">
            <TextInput
              label="Invite link"
              value={invite.data.url}
              readOnly
              onFocus={(event) => event.currentTarget.select()}
              data-testid="invite-link"
            />
            <Text size="sm">
              It expires at <DateTime iso={invite.data.expiresAt} />. You will not see it again once
              you close this dialog.
            </Text>
            <Group justify="flex-end">
              <CopyButton value={invite.data.url}>
                {({ copied, copy }) => (
                  <Button variant="default" onClick={copy}>
                    {copied ? 'Link copied' : 'Copy link'}
                  </Button>
                )}
              </CopyButton>
              <Button onClick={close}>Done</Button>
            </Group>
          </Stack>
        ) : (
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button loading={invite.isPending} onClick={() => invite.mutate()}>
              Create the link
            </Button>
          </Group>
        )}
        {invite.isError && (
          <Alert color="red" title={describeError(invite.error).title}>
            {describeError(invite.error).message}
          </Alert>
        )}
      </Stack>
    </Modal>
  );
}

/** Who is in the call, as the patient sees it (read only: the provider manages guests). */
export function CallPeople({ visit, guests }: { visit: Visit; guests: VisitGuest[] }) {
  const admitted = guests.filter((g) => g.state === 'admitted');
  const waiting = guests.filter((g) => g.state === 'waiting');
  return (
    <Stack gap="xs" component="section" aria-labelledby="call-people-heading">
      <Title order={2} size="h3" id="call-people-heading">
        In this call
      </Title>
      <ul className={classes.guestList} aria-label="People in this call">
        <li>You</li>
        <li>{visit.provider.displayName}</li>
        {admitted.map((g) => (
          <li key={g.id}>{g.displayName} (guest)</li>
        ))}
      </ul>
      {waiting.length > 0 && (
        <Text size="sm">
          Waiting for {visit.provider.displayName} to let them in:{' '}
          {waiting.map((g) => g.displayName).join(', ')}.
        </Text>
      )}
    </Stack>
  );
}
