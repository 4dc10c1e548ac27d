import { useRef, useState, type FormEvent } from 'react';
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  NativeSelect,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { clinicMemberListSchema } from '@openvisit/contracts';
import { apiGet, apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import { bodyFieldErrors } from '../api/field-errors';
import { FormProblemAlert } from '../auth/form-feedback';
import { useAdminClinicId } from '../auth/clinic-of';
import { useSession } from '../auth/session';
import { useDraft } from '../shell/drafts';
import { SuccessNotice } from '../shell/live-region';
import { PageTitle } from '../shell/page-title';

type ClinicMember = ReturnType<typeof clinicMemberListSchema.parse>['members'][number];
type StaffRole = 'provider' | 'staff' | 'admin';
type MemberAction = 'disable' | 'reset-mfa' | 'end-sessions';

const roleLabels: Record<ClinicMember['roles'][number], string> = {
  patient: 'Patient',
  provider: 'Provider',
  staff: 'Staff',
  admin: 'Admin',
};

const actionText: Record<
  MemberAction,
  { title: (name: string) => string; explain: (who: string) => string; confirm: string }
> = {
  disable: {
    title: (name) => `Disable ${name}?`,
    explain: (who) => `Every session of ${who} ends at once, and they can no longer sign in.`,
    confirm: 'Disable account',
  },
  'end-sessions': {
    title: (name) => `Sign ${name} out everywhere?`,
    explain: (who) =>
      `Every session of ${who} ends at once, on every device. They can sign in again with their password and two-step sign-in.`,
    confirm: 'Sign out everywhere',
  },
  'reset-mfa': {
    title: (name) => `Reset two-step sign-in for ${name}?`,
    explain: (who) =>
      `The authenticator app of ${who} stops working. At their next sign-in, after their password, they set up a new authenticator app.`,
    confirm: 'Reset two-step sign-in',
  },
};

const roleOptions: { value: StaffRole; label: string }[] = [
  { value: 'provider', label: 'Provider' },
  { value: 'staff', label: 'Staff' },
  { value: 'admin', label: 'Admin' },
];

export function membersQuery(clinicId: string) {
  return queryOptions({
    queryKey: ['clinics', clinicId, 'members'],
    queryFn: ({ signal }) =>
      apiGet(`/api/clinics/${encodeURIComponent(clinicId)}/members`, clinicMemberListSchema, {
        signal,
      }),
    staleTime: 0,
  });
}

export function PeoplePage() {
  const sessionState = useSession();
  const clinicId = useAdminClinicId();

  return (
    <Stack gap="lg" maw={1000}>
      <PageTitle title="People" />
      {sessionState.status === 'signed-in' && clinicId ? (
        <PeopleManager clinicId={clinicId} selfId={sessionState.session.user.id} />
      ) : (
        <>
          <Title order={1}>People</Title>
          <Text>
            Only clinic admins can manage people. If you need someone added or their access changed,
            ask an admin at your clinic.
          </Text>
        </>
      )}
    </Stack>
  );
}

function PeopleManager({ clinicId, selfId }: { clinicId: string; selfId: string }) {
  const members = useQuery(membersQuery(clinicId));
  const queryClient = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);
  const [target, setTarget] = useState<{ member: ClinicMember; action: MemberAction } | null>(null);
  const [confirmOpen, setConfirmOpen] = useState(false);
  const [notice, setNotice] = useState('');

  const act = useMutation({
    mutationFn: ({ member, action }: { member: ClinicMember; action: MemberAction }) =>
      apiSend(
        'POST',
        `/api/clinics/${encodeURIComponent(clinicId)}/members/${encodeURIComponent(member.id)}/${action}`,
      ),
    onSuccess: (_result, { member, action }) => {
      setNotice(
        {
          disable: `${member.displayName} is disabled and signed out everywhere.`,
          'reset-mfa': `Two-step sign-in reset for ${member.displayName}: they set up a new authenticator app at their next sign-in.`,
          'end-sessions': `${member.displayName} is signed out on every device.`,
        }[action],
      );
      setConfirmOpen(false);
      void queryClient.invalidateQueries({ queryKey: membersQuery(clinicId).queryKey });
    },
  });

  function ask(member: ClinicMember, action: MemberAction) {
    act.reset();
    setNotice('');
    setTarget({ member, action });
    setConfirmOpen(true);
  }

  return (
    <>
      <Stack gap="xs">
        <Title order={1} ref={heading} tabIndex={-1}>
          People
        </Title>
        <Text>
          Everyone with a provider, staff or admin role at your clinic. Invite new people, disable
          accounts that should no longer have access, and reset two-step sign-in for someone who
          lost their phone.
        </Text>
      </Stack>

      <SuccessNotice message={notice} />

      {members.isPending && (
        <Group gap="sm" role="status">
          <Loader size="sm" aria-hidden />
          <Text>Loading people…</Text>
        </Group>
      )}
      {members.isError && (
        <Stack gap="md">
          <Alert color="red" title={describeError(members.error).title}>
            {describeError(members.error).message}
          </Alert>
          <Group>
            <Button onClick={() => void members.refetch()}>Try again</Button>
          </Group>
        </Stack>
      )}
      {members.data && (
        <MemberTable members={members.data.members} selfId={selfId} onAction={ask} />
      )}

      <InviteForm clinicId={clinicId} />

      <Modal
        opened={confirmOpen}
        onClose={() => setConfirmOpen(false)}
        title={target ? actionText[target.action].title(target.member.displayName) : ''}
        closeButtonProps={{ 'aria-label': 'Cancel' }}
        // The button that opened the dialog disappears once the action is done; the heading stays.
        returnFocus={!act.isSuccess}
        onExitTransitionEnd={() => {
          if (act.isSuccess) heading.current?.focus();
        }}
      >
        {target && (
          <Stack gap="md">
            <Text>
              {actionText[target.action].explain(
                `${target.member.displayName} (${target.member.email})`,
              )}
            </Text>
            {act.isError && (
              <Alert color="red" title={describeError(act.error).title}>
                {describeError(act.error).message}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirmOpen(false)}>
                Cancel
              </Button>
              <Button color="red.9" loading={act.isPending} onClick={() => act.mutate(target)}>
                {actionText[target.action].confirm}
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </>
  );
}

function statusOf(member: ClinicMember): { label: string; color: string } {
  if (member.status === 'disabled') return { label: 'Disabled', color: 'gray.8' };
  if (member.invitationPending) return { label: 'Invitation pending', color: 'yellow.9' };
  return { label: 'Active', color: 'teal.9' };
}

function MemberTable({
  members,
  selfId,
  onAction,
}: {
  members: ClinicMember[];
  selfId: string;
  onAction: (member: ClinicMember, action: MemberAction) => void;
}) {
  if (members.length === 0) return <Text>No one has been added to this clinic yet.</Text>;
  const ordered = [...members].sort((a, b) => a.displayName.localeCompare(b.displayName));
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing="sm" striped>
        <Table.Caption>People at your clinic</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Name</Table.Th>
            <Table.Th scope="col">Email</Table.Th>
            <Table.Th scope="col">Roles</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">Two-step sign-in</Table.Th>
            <Table.Th scope="col">Actions</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {ordered.map((member) => {
            const nameId = `member-${member.id}-name`;
            const status = statusOf(member);
            const isSelf = member.id === selfId;
            return (
              <Table.Tr key={member.id}>
                <Table.Th scope="row" id={nameId} fw={600}>
                  {member.displayName}
                  {isSelf && (
                    <Text span size="sm" c="dimmed" fw={400}>
                      {' '}
                      (you)
                    </Text>
                  )}
                </Table.Th>
                <Table.Td>{member.email}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {member.roles.map((role) => (
                      <Badge key={role} variant="light" radius="sm" tt="none">
                        {roleLabels[role]}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Badge color={status.color} radius="sm" tt="none">
                    {status.label}
                  </Badge>
                </Table.Td>
                <Table.Td>{member.mfaEnabled ? 'On' : 'Off'}</Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    {!isSelf && member.status === 'active' && (
                      <Button
                        size="xs"
                        variant="outline"
                        color="red.9"
                        aria-describedby={nameId}
                        onClick={() => onAction(member, 'disable')}
                      >
                        Disable
                      </Button>
                    )}
                    {!isSelf && member.status === 'active' && (
                      <Button
                        size="xs"
                        variant="default"
                        aria-describedby={nameId}
                        onClick={() => onAction(member, 'end-sessions')}
                      >
                        Sign out everywhere
                      </Button>
                    )}
                    {member.mfaEnabled && (
                      <Button
                        size="xs"
                        variant="default"
                        aria-describedby={nameId}
                        onClick={() => onAction(member, 'reset-mfa')}
                      >
                        Reset two-step sign-in
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

const inviteFields = ['displayName', 'email', 'role'] as const;

function InviteForm({ clinicId }: { clinicId: string }) {
  const queryClient = useQueryClient();
  // Kept across an idle sign-out: the admin signing back in finds what they had typed.
  const [displayName, setDisplayName] = useDraft(`invite:${clinicId}:displayName`, '');
  const [email, setEmail] = useDraft(`invite:${clinicId}:email`, '');
  const [role, setRole] = useDraft<StaffRole>(`invite:${clinicId}:role`, 'provider');
  const [notice, setNotice] = useState('');

  const invite = useMutation({
    mutationFn: (body: { displayName: string; email: string; role: StaffRole }) =>
      apiSend('POST', `/api/clinics/${encodeURIComponent(clinicId)}/invitations`, body),
    onSuccess: (_result, body) => {
      setNotice(`Invitation sent to ${body.email}.`);
      setDisplayName('');
      setEmail('');
      setRole('provider');
      void queryClient.invalidateQueries({ queryKey: membersQuery(clinicId).queryKey });
    },
  });

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setNotice('');
    invite.mutate({ displayName: displayName.trim(), email: email.trim(), role });
  }

  const fieldErrors = bodyFieldErrors(invite.error);

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="invite-heading">
      <Stack gap="md">
        <Title order={2} size="h3" id="invite-heading">
          Invite someone
        </Title>
        <Text size="sm">
          They get an email with a link to choose a password. Providers, staff and admins must set
          up two-step sign-in with an authenticator app when they first sign in.
        </Text>
        <SuccessNotice message={notice} />
        {invite.isError && (
          <FormProblemAlert
            error={invite.error}
            attempt={invite.submittedAt}
            fields={inviteFields}
          />
        )}
        <form onSubmit={handleSubmit}>
          <Stack gap="md">
            <TextInput
              label="Name"
              name="displayName"
              autoComplete="off"
              required
              maxLength={120}
              value={displayName}
              onChange={(event) => setDisplayName(event.currentTarget.value)}
              error={fieldErrors.displayName}
            />
            <TextInput
              label="Email"
              name="email"
              type="email"
              autoComplete="off"
              required
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
              error={fieldErrors.email}
            />
            <NativeSelect
              label="Role"
              name="role"
              data={roleOptions}
              value={role}
              onChange={(event) => setRole(event.currentTarget.value as StaffRole)}
              error={fieldErrors.role}
            />
            <Group>
              <Button type="submit" loading={invite.isPending}>
                Send invitation
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
    </Card>
  );
}
