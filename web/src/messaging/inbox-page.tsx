import { useState, type FormEvent } from 'react';
import { Alert, Button, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import {
  queryOptions,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useParams, useSearchParams } from 'react-router';
import {
  colleagueListSchema,
  messageThreadStatuses,
  messageThreadSummarySchema,
  type MessageThreadStatus,
  type MessageThreadSummary,
} from '@openvisit/contracts';
import { apiGet, apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import { bodyFieldErrors } from '../api/field-errors';
import { useWorkforceClinic } from '../auth/clinic-of';
import { useSession } from '../auth/session';
import { SuccessNotice } from '../shell/live-region';
import { PageTitle } from '../shell/page-title';
import { useRealtimeRoom } from '../shell/realtime';
import { careTeamStatusLabels } from './message-labels';
import {
  inboxKey,
  inboxQuery,
  inboxRoom,
  patchThread,
  threadPath,
  type InboxAssignedFilter,
  type InboxStatusFilter,
} from './messaging-queries';
import { ThreadScreen } from './thread-conversation';
import { ThreadList, lastActivityColumn, statusColumn, type ThreadColumn } from './thread-list';

const statusFilters: { value: InboxStatusFilter; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'waiting-on-patient', label: 'Waiting on patient' },
  { value: 'closed', label: 'Closed' },
  { value: 'all', label: 'Any status' },
];
const assignedFilters: { value: InboxAssignedFilter; label: string }[] = [
  { value: 'anyone', label: 'Anyone (or nobody)' },
  { value: 'me', label: 'Me' },
  { value: 'unassigned', label: 'Nobody yet' },
];

const oneOf = <T extends string>(options: { value: T }[], value: string | null, fallback: T) =>
  options.find((o) => o.value === value)?.value ?? fallback;

/** The care team's shared inbox: staff and admins see the clinic's, providers their patients'. */
export function InboxPage() {
  const work = useWorkforceClinic();
  const sessionState = useSession();
  const viewerId = sessionState.status === 'signed-in' ? sessionState.session.user.id : '';
  const seesEveryone = !!work && (work.roles.has('staff') || work.roles.has('admin'));
  return (
    <Stack gap="lg" maw={1100}>
      <PageTitle title="Inbox" />
      <Title order={1}>Inbox</Title>
      {work ? (
        <>
          <Text>
            {seesEveryone
              ? "Secure messages between your clinic's patients and their care team. Assign a conversation to take it on; set it to waiting on patient when you need their answer."
              : 'Secure messages from the patients you care for.'}
          </Text>
          <Inbox clinicId={work.clinicId} viewerId={viewerId} />
        </>
      ) : (
        <Text>Only a clinic&apos;s providers, staff and admins work its inbox.</Text>
      )}
    </Stack>
  );
}

function Inbox({ clinicId, viewerId }: { clinicId: string; viewerId: string }) {
  const [params, setParams] = useSearchParams();
  const status = oneOf(statusFilters, params.get('status'), 'open');
  const assigned = oneOf(assignedFilters, params.get('assigned'), 'anyone');
  useRealtimeRoom(inboxRoom(clinicId));
  const inbox = useInfiniteQuery(inboxQuery(clinicId, { status, assigned }));
  const setFilter = (name: 'status' | 'assigned', value: string) => {
    const next = new URLSearchParams(params);
    next.set(name, value);
    setParams(next, { replace: true });
  };

  return (
    <Stack gap="md">
      <Group gap="md" align="flex-end" role="group" aria-label="Filters">
        <NativeSelect
          label="Status"
          value={status}
          data={statusFilters}
          onChange={(event) => setFilter('status', event.currentTarget.value)}
        />
        <NativeSelect
          label="Assigned to"
          value={assigned}
          data={assignedFilters}
          onChange={(event) => setFilter('assigned', event.currentTarget.value)}
        />
      </Group>
      <ThreadList
        query={inbox}
        loadingLabel="Loading the inbox…"
        emptyText="No conversations match these filters."
        caption="Conversations"
        minWidth={760}
        columns={inboxColumns(viewerId)}
        threadPath={(threadId) => `/clinic/inbox/${threadId}`}
        moreLabel="Show more conversations"
        rowTestId="inbox-row"
      />
    </Stack>
  );
}

const inboxColumns = (viewerId: string): ThreadColumn[] => [
  { header: 'Patient', cell: (thread) => thread.patient.displayName },
  statusColumn(careTeamStatusLabels),
  {
    header: 'Assigned to',
    cell: (thread) =>
      thread.assignee
        ? thread.assignee.id === viewerId
          ? 'You'
          : thread.assignee.displayName
        : 'Nobody yet',
  },
  lastActivityColumn,
];

/** One conversation, as the care team works it. */
export function InboxThreadPage() {
  const { threadId = '' } = useParams();
  const work = useWorkforceClinic();
  const sessionState = useSession();
  if (!work || sessionState.status !== 'signed-in') {
    return (
      <Stack gap="lg" maw={900}>
        <PageTitle title="Conversation" />
        <Title order={1}>Conversation</Title>
        <Text>Only a clinic&apos;s providers, staff and admins work its inbox.</Text>
      </Stack>
    );
  }
  const viewer = {
    id: sessionState.session.user.id,
    displayName: sessionState.session.user.displayName,
  };
  return (
    <ThreadScreen
      key={threadId}
      clinicId={work.clinicId}
      threadId={threadId}
      viewerId={viewer.id}
      audience="care-team"
      back={{ to: '/clinic/inbox', label: 'Back to the inbox' }}
      work={(view) => <ThreadWork clinicId={work.clinicId} thread={view.thread} viewer={viewer} />}
    />
  );
}

interface ThreadChange {
  status?: MessageThreadStatus;
  assignedTo?: string | null;
}

/** Status and assignee: the outcome stays said while the form follows live changes. */
function ThreadWork(props: {
  clinicId: string;
  thread: MessageThreadSummary;
  viewer: { id: string; displayName: string };
}) {
  const { clinicId, thread, viewer } = props;
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState('');
  const change = useMutation({
    mutationFn: (body: ThreadChange) =>
      apiSend('PATCH', threadPath(clinicId, thread.id), body, messageThreadSummarySchema),
    onSuccess: (updated) => {
      patchThread(queryClient, clinicId, thread.id, (view) => ({ ...view, thread: updated }));
      void queryClient.invalidateQueries({ queryKey: inboxKey(clinicId) });
      setNotice(
        `Saved: ${careTeamStatusLabels[updated.status]}, assigned to ${
          updated.assignee
            ? updated.assignee.id === viewer.id
              ? 'you'
              : updated.assignee.displayName
            : 'nobody'
        }.`,
      );
    },
    onMutate: () => setNotice(''),
  });
  const people = useAssignablePeople(clinicId, viewer, thread.assignee);
  const errors = bodyFieldErrors(change.error);

  return (
    <Stack gap="sm" component="section" aria-labelledby="work-heading">
      <Title order={2} id="work-heading">
        Work this conversation
      </Title>
      <ThreadWorkForm
        // Follows changes made elsewhere (another tab, a colleague) once they arrive.
        key={`${thread.status}|${thread.assignee?.id ?? ''}`}
        thread={thread}
        viewerId={viewer.id}
        people={people}
        saving={change.isPending}
        onSave={(body) => change.mutate(body)}
        assigneeError={errors.assignedTo}
      />
      <SuccessNotice message={notice} />
      {change.isError && !errors.assignedTo && (
        <Alert color="red" title={describeError(change.error).title}>
          {describeError(change.error).message}
        </Alert>
      )}
    </Stack>
  );
}

function ThreadWorkForm(props: {
  thread: MessageThreadSummary;
  viewerId: string;
  people: { value: string; label: string }[];
  saving: boolean;
  onSave: (change: ThreadChange) => void;
  assigneeError: string | undefined;
}) {
  const { thread } = props;
  const [status, setStatus] = useState<MessageThreadStatus>(thread.status);
  const [assignee, setAssignee] = useState(thread.assignee?.id ?? '');
  const changed: ThreadChange = {
    ...(status !== thread.status ? { status } : {}),
    ...(assignee !== (thread.assignee?.id ?? '') ? { assignedTo: assignee || null } : {}),
  };

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (Object.keys(changed).length > 0) props.onSave(changed);
  }

  return (
    <form onSubmit={handleSubmit} noValidate>
      <Group gap="md" align="flex-end" wrap="wrap">
        <NativeSelect
          label="Status"
          value={status}
          onChange={(event) => setStatus(event.currentTarget.value as MessageThreadStatus)}
          data={messageThreadStatuses.map((value) => ({
            value,
            label: careTeamStatusLabels[value],
          }))}
        />
        <NativeSelect
          label="Assigned to"
          value={assignee}
          onChange={(event) => setAssignee(event.currentTarget.value)}
          data={[{ value: '', label: 'Nobody' }, ...props.people]}
          error={props.assigneeError}
        />
        <Button type="submit" loading={props.saving} disabled={Object.keys(changed).length === 0}>
          Save changes
        </Button>
        {thread.assignee?.id !== props.viewerId && (
          <Button
            variant="default"
            loading={props.saving}
            onClick={() => props.onSave({ assignedTo: props.viewerId })}
          >
            Assign to me
          </Button>
        )}
      </Group>
    </form>
  );
}

/**
 * Who a conversation can be given to: the viewer and the clinic's active providers, staff
 * and admins (the colleagues list every working role may read). The server decides (a
 * provider must care for the patient) and says why when it refuses.
 */
function colleaguesQuery(clinicId: string) {
  return queryOptions({
    queryKey: ['clinics', clinicId, 'colleagues'],
    queryFn: ({ signal }) =>
      apiGet(`/api/clinics/${clinicId}/colleagues`, colleagueListSchema, { signal }),
    staleTime: 60_000,
  });
}

function useAssignablePeople(
  clinicId: string,
  viewer: { id: string; displayName: string },
  current: { id: string; displayName: string } | null,
) {
  const colleagues = useQuery(colleaguesQuery(clinicId));
  const names = new Map<string, string>();
  for (const c of colleagues.data?.colleagues ?? []) names.set(c.id, c.displayName);
  if (current) names.set(current.id, current.displayName);
  names.set(viewer.id, `${viewer.displayName} (you)`);
  return [...names]
    .map(([value, label]) => ({ value, label }))
    .sort((a, b) => a.label.localeCompare(b.label));
}
