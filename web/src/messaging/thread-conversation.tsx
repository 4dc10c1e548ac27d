import {
  useEffect,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
} from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Box,
  Button,
  Checkbox,
  Group,
  List,
  NativeSelect,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  MESSAGE_BODY_MAX,
  messageBodySchema,
  messageThreadReadResultSchema,
  type Message,
  type MessageAttachment,
  type MessageThreadStatus,
} from '@openvisit/contracts';
import { ApiProblem, apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import { categoryLabels } from '../documents/document-labels';
import { documentContentUrl, documentsQuery } from '../documents/document-queries';
import { useDraft } from '../shell/drafts';
import { DateTime, viewerTimeZone } from '../shell/format-time';
import { LiveRegion } from '../shell/live-region';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';
import { TextLink } from '../shell/text-link';
import { useRealtimeRoom, useRealtimeStatus, whenViewing } from '../shell/realtime';
import { EmergencyNotice } from './emergency-notice';
import { careTeamStatusLabels, patientStatusLabels, statusColors } from './message-labels';
import { announcementSerial, useAnnouncement } from './messaging-live';
import {
  loadOlderMessages,
  newMessageId,
  patchThread,
  patchThreadLists,
  readByRecipient,
  threadPath,
  threadQuery,
  threadRoom,
  unreadKey,
  type ThreadView,
} from './messaging-queries';
import { deliver, discard, useOutbox, type OutgoingMessage } from './outbox';
import classes from './messaging.module.css';

export type Audience = 'patient' | 'care-team';

/**
 * One conversation, for the patient or the care team: its messages live, what the other side
 * has read, the messages on their way, and the composer. Viewing it marks it read.
 */
export function ThreadScreen(props: {
  clinicId: string;
  threadId: string;
  viewerId: string;
  audience: Audience;
  back: { to: string; label: string };
  /** Shown under the heading (where focus lands after navigating here). */
  intro?: ReactNode;
  /** The care team's controls (status, assignee), under the heading. */
  work?: (view: ThreadView) => ReactNode;
}) {
  const { clinicId, threadId, audience } = props;
  const queryClient = useQueryClient();
  useRealtimeRoom(threadRoom(threadId));
  const thread = useQuery({
    ...threadQuery(queryClient, clinicId, threadId),
    // "No such conversation" and "not yours" are answers: show them rather than retrying.
    retry: (failures, error) => !(error instanceof ApiProblem) && failures < 2,
  });
  const view = thread.data;
  const [announcedSince] = useState(announcementSerial);
  const announcement = useAnnouncement(threadId, announcedSince);
  const [outcome, setOutcome] = useState<{ text: string; serial: number }>();
  const tell = (text: string) => setOutcome((o) => ({ text, serial: (o?.serial ?? 0) + 1 }));
  useMarkRead(clinicId, threadId, view);

  return (
    <Stack gap="lg" maw={900}>
      <PageTitle title={view?.thread.subject ?? 'Conversation'} />
      <Text>
        <TextLink to={props.back.to}>{props.back.label}</TextLink>
      </Text>
      <Title order={1}>{view?.thread.subject ?? 'Conversation'}</Title>
      {props.intro}
      {audience === 'patient' && <EmergencyNotice />}
      <QueryStatus query={thread} loadingLabel="Loading the conversation…" />
      {view && (
        <>
          <ThreadFacts view={view} audience={audience} clinicId={clinicId} />
          {props.work?.(view)}
          <ConnectionNote onRefresh={() => void thread.refetch()} />
          <Stack gap="sm" component="section" aria-labelledby="messages-heading">
            <Title order={2} id="messages-heading">
              Messages
            </Title>
            <Text size="sm" c="dimmed">
              Times are in your time zone ({viewerTimeZone}).
            </Text>
            <OlderMessages clinicId={clinicId} threadId={threadId} view={view} />
            <MessageList
              view={view}
              clinicId={clinicId}
              threadId={threadId}
              viewerId={props.viewerId}
              audience={audience}
              onOutcome={tell}
            />
            <LiveRegion>
              {announcement && <Text key={`a${announcement.serial}`}>{announcement.text}</Text>}
              {outcome && (
                <Text key={`o${outcome.serial}`} size="sm">
                  {outcome.text}
                </Text>
              )}
            </LiveRegion>
          </Stack>
          <Composer
            clinicId={clinicId}
            threadId={threadId}
            patientId={view.thread.patient.id}
            audience={audience}
            onOutcome={tell}
          />
        </>
      )}
    </Stack>
  );
}

function ThreadFacts({
  view,
  audience,
  clinicId,
}: {
  view: ThreadView;
  audience: Audience;
  clinicId: string;
}) {
  const { thread } = view;
  const labels = audience === 'patient' ? patientStatusLabels : careTeamStatusLabels;
  return (
    <Group gap="lg" wrap="wrap">
      <Group gap={6}>
        <Text fw={600}>Status:</Text>
        <Badge color={statusColors[thread.status]} radius="sm" tt="none">
          {labels[thread.status]}
        </Badge>
      </Group>
      {audience === 'care-team' && (
        <>
          <Text>
            <Text span fw={600}>
              Patient:
            </Text>{' '}
            <TextLink to={`/clinic/${clinicId}/patients/${thread.patient.id}`}>
              {thread.patient.displayName}
            </TextLink>
          </Text>
          <Text data-testid="thread-assignee">
            <Text span fw={600}>
              Assigned to:
            </Text>{' '}
            {thread.assignee?.displayName ?? 'Nobody yet'}
          </Text>
        </>
      )}
      <Text>
        <Text span fw={600}>
          Started:
        </Text>{' '}
        <DateTime iso={thread.createdAt} />
      </Text>
    </Group>
  );
}

/** Says so when new messages may not show up by themselves. */
function ConnectionNote({ onRefresh }: { onRefresh: () => void }) {
  const status = useRealtimeStatus();
  if (status !== 'reconnecting' && status !== 'paused') return null;
  return (
    <Alert color="yellow" title="Live updates are paused" role="none">
      <Stack gap="xs" align="flex-start">
        <Text inherit>
          The connection for new messages dropped; it is being restored. Messages you send still go
          through.
        </Text>
        <Button size="xs" variant="default" onClick={onRefresh}>
          Check for new messages
        </Button>
      </Stack>
    </Alert>
  );
}

function OlderMessages({
  clinicId,
  threadId,
  view,
}: {
  clinicId: string;
  threadId: string;
  view: ThreadView;
}) {
  const queryClient = useQueryClient();
  const older = useMutation({
    mutationFn: () => loadOlderMessages(queryClient, clinicId, threadId),
  });
  if (!view.hasOlder) return null;
  return (
    <Stack gap="xs" align="flex-start">
      <Button variant="default" onClick={() => older.mutate()} loading={older.isPending}>
        Show earlier messages
      </Button>
      {older.isError && (
        <Alert color="red" title={describeError(older.error).title}>
          {describeError(older.error).message}
        </Alert>
      )}
    </Stack>
  );
}

function senderLabel(message: Message, viewerId: string, audience: Audience): string {
  if (message.sender.id === viewerId) return 'You';
  if (message.sender.side === 'patient') {
    return audience === 'patient'
      ? message.sender.displayName
      : `${message.sender.displayName} (patient)`;
  }
  return `${message.sender.displayName} (care team)`;
}

function MessageList({
  view,
  clinicId,
  threadId,
  viewerId,
  audience,
  onOutcome,
}: {
  view: ThreadView;
  clinicId: string;
  threadId: string;
  viewerId: string;
  audience: Audience;
  onOutcome: (text: string) => void;
}) {
  const outbox = useOutbox(threadId);
  const shown = new Set(view.messages.map((m) => m.id));
  const waiting = outbox.filter((m) => !shown.has(m.id));
  const readBy = audience === 'patient' ? 'Read by care team' : 'Read by patient';
  const receipt = audience === 'patient' ? view.receipts.careTeam : view.receipts.patient;
  // The receipt's time goes with the newest message of the viewer's side it covers.
  const newestRead = view.messages.findLast(
    (m) => m.sender.side === view.viewerSide && readByRecipient(view, m),
  );
  return (
    <ol className={classes.messageList} aria-label="Messages, oldest first">
      {view.messages.map((message) => {
        const ownSide = message.sender.side === view.viewerSide;
        const read = ownSide && readByRecipient(view, message);
        return (
          <Box
            component="li"
            key={message.id}
            className={`${classes.message} ${ownSide ? classes.viewerSide : classes.otherSide}`}
            data-testid="message"
            data-sequence={message.sequence}
          >
            <Group justify="space-between" gap="xs" wrap="wrap">
              <Text fw={600} size="sm">
                {senderLabel(message, viewerId, audience)}
              </Text>
              <Text size="sm" c="dimmed">
                <DateTime iso={message.createdAt} />
              </Text>
            </Group>
            <Text className={classes.body}>{message.body}</Text>
            <Attachments
              attachments={message.attachments}
              clinicId={clinicId}
              patientId={view.thread.patient.id}
            />
            {read && (
              <Text size="sm" c="dimmed" data-testid="read-receipt">
                {readBy}
                {message.id === newestRead?.id && receipt && (
                  <>
                    {' '}
                    · <DateTime iso={receipt.at} />
                  </>
                )}
              </Text>
            )}
          </Box>
        );
      })}
      {waiting.map((message) => (
        <OutgoingItem
          key={message.id}
          message={message}
          clinicId={clinicId}
          threadId={threadId}
          onOutcome={onOutcome}
        />
      ))}
    </ol>
  );
}

function OutgoingItem({
  message,
  clinicId,
  threadId,
  onOutcome,
}: {
  message: OutgoingMessage;
  clinicId: string;
  threadId: string;
  onOutcome: (text: string) => void;
}) {
  const queryClient = useQueryClient();
  const failed = message.state === 'failed';
  return (
    <Box
      component="li"
      className={`${classes.message} ${classes.viewerSide} ${failed ? classes.failed : classes.pending}`}
      data-testid="outgoing-message"
    >
      <Text fw={600} size="sm">
        You
      </Text>
      <Text className={classes.body}>{message.body}</Text>
      {failed ? (
        <Stack gap={4} mt={4}>
          <Text size="sm" c="red.9" fw={600}>
            Not sent. {message.problem}
          </Text>
          <Group gap="xs">
            <Button
              size="xs"
              onClick={() => {
                onOutcome('Sending your message again…');
                void deliver(queryClient, { clinicId, threadId }, message).then((result) =>
                  onOutcome(result.sent ? 'Message sent.' : `Still not sent: ${result.problem}`),
                );
              }}
            >
              Retry
            </Button>
            <Button
              size="xs"
              variant="default"
              onClick={() => {
                discard(queryClient, threadId, message.id);
                onOutcome('The unsent message was removed.');
              }}
            >
              Remove
            </Button>
          </Group>
        </Stack>
      ) : (
        <Text size="sm" c="dimmed">
          Sending…
        </Text>
      )}
    </Box>
  );
}

function Attachments({
  attachments,
  clinicId,
  patientId,
}: {
  attachments: MessageAttachment[];
  clinicId: string;
  patientId: string;
}) {
  if (attachments.length === 0) return null;
  return (
    <List size="sm" mt={4} aria-label="Attached documents">
      {attachments.map((a) => (
        <List.Item key={a.documentId}>
          {a.available && a.fileName ? (
            <>
              <Anchor
                href={documentContentUrl(clinicId, patientId, a.documentId)}
                underline="always"
                aria-label={`Download ${a.fileName}`}
              >
                {a.fileName}
              </Anchor>
              {a.retracted && ' (withdrawn from the record)'}
            </>
          ) : (
            'A document you cannot open here'
          )}
        </List.Item>
      ))}
    </List>
  );
}

/** Viewing the thread reads it: up to the newest message, once the person is looking. */
function useMarkRead(clinicId: string, threadId: string, view: ThreadView | undefined) {
  const queryClient = useQueryClient();
  const { mutate } = useMutation({
    mutationFn: (upToSequence: number) =>
      apiSend(
        'POST',
        `${threadPath(clinicId, threadId)}/read`,
        { upToSequence },
        messageThreadReadResultSchema,
      ),
    onSuccess: (result) => {
      patchThread(queryClient, clinicId, threadId, (shown) => ({
        ...shown,
        viewerReadUpTo: Math.max(shown.viewerReadUpTo, result.upToSequence),
        thread: { ...shown.thread, unread: result.unread },
      }));
      patchThreadLists(queryClient, ['clinics', clinicId], threadId, (t) => ({
        ...t,
        unread: result.unread,
      }));
      void queryClient.invalidateQueries({ queryKey: unreadKey, exact: true });
    },
  });
  const newest = view?.messages.at(-1)?.sequence ?? 0;
  const newestFromOthers =
    view?.messages.findLast((m) => m.sender.side !== view.viewerSide)?.sequence ?? 0;
  const readUpTo = view?.viewerReadUpTo ?? 0;
  const asked = useRef(0);
  useEffect(() => {
    if (newestFromOthers <= readUpTo || newest <= asked.current) return;
    return whenViewing(() => {
      asked.current = newest;
      mutate(newest);
    });
  }, [newest, newestFromOthers, readUpTo, mutate]);
}

function Composer({
  clinicId,
  threadId,
  patientId,
  audience,
  onOutcome,
}: {
  clinicId: string;
  threadId: string;
  patientId: string;
  audience: Audience;
  onOutcome: (text: string) => void;
}) {
  const queryClient = useQueryClient();
  const [body, setBody] = useDraft(`message:${clinicId}:${threadId}`, '');
  const [attachmentIds, setAttachmentIds] = useState<string[]>([]);
  const [statusAfter, setStatusAfter] = useState<MessageThreadStatus | ''>('');
  const [bodyError, setBodyError] = useState<string>();
  const field = useRef<HTMLTextAreaElement>(null);

  function send() {
    const parsed = messageBodySchema.safeParse(body);
    if (!parsed.success) {
      setBodyError(parsed.error.issues[0]?.message ?? 'Write a message.');
      field.current?.focus();
      return;
    }
    setBodyError(undefined);
    const message = {
      id: newMessageId(),
      body: parsed.data,
      attachmentIds,
      status: statusAfter || undefined,
    };
    setBody('');
    setAttachmentIds([]);
    setStatusAfter('');
    // Focus stays where the next message is written.
    field.current?.focus();
    void deliver(queryClient, { clinicId, threadId }, message).then((result) =>
      onOutcome(
        result.sent
          ? 'Message sent.'
          : `Your message was not sent: ${result.problem} It is kept above with a Retry button.`,
      ),
    );
  }

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send();
  }

  function handleKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      send();
    }
  }

  const label = audience === 'patient' ? 'Your message' : 'Reply to the patient';
  return (
    <Stack gap="sm" component="section" aria-labelledby="composer-heading">
      <Title order={2} id="composer-heading">
        {audience === 'patient' ? 'Write to your care team' : 'Reply'}
      </Title>
      <form onSubmit={handleSubmit} noValidate>
        <Stack gap="sm">
          <Textarea
            ref={field}
            label={label}
            description={`Up to ${MESSAGE_BODY_MAX} characters. Ctrl+Enter sends.`}
            required
            autosize
            minRows={3}
            maxRows={12}
            value={body}
            error={bodyError}
            onChange={(event) => setBody(event.currentTarget.value)}
            onKeyDown={handleKeyDown}
          />
          <AttachmentPicker
            clinicId={clinicId}
            patientId={patientId}
            audience={audience}
            value={attachmentIds}
            onChange={setAttachmentIds}
          />
          {audience === 'care-team' && (
            <NativeSelect
              label="Status after sending"
              value={statusAfter}
              onChange={(event) =>
                setStatusAfter(event.currentTarget.value as MessageThreadStatus | '')
              }
              data={[
                { value: '', label: 'Keep the current status' },
                { value: 'waiting-on-patient', label: 'Waiting on patient' },
                { value: 'closed', label: 'Closed' },
                { value: 'open', label: 'Open' },
              ]}
              maw={320}
            />
          )}
          <Group>
            <Button type="submit">Send</Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

/**
 * Documents already in the patient's record, to attach by id. Loaded only when asked for:
 * listing documents is a read of the record (audited).
 */
export function AttachmentPicker({
  clinicId,
  patientId,
  audience,
  value,
  onChange,
}: {
  clinicId: string;
  patientId: string;
  audience: Audience;
  value: string[];
  onChange: (ids: string[]) => void;
}) {
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <Group>
        <Button variant="default" onClick={() => setOpen(true)}>
          Attach documents…
        </Button>
      </Group>
    );
  }
  return (
    <DocumentChoices
      clinicId={clinicId}
      patientId={patientId}
      audience={audience}
      value={value}
      onChange={onChange}
    />
  );
}

function DocumentChoices(props: {
  clinicId: string;
  patientId: string;
  audience: Audience;
  value: string[];
  onChange: (ids: string[]) => void;
}) {
  const documents = useQuery(documentsQuery(props.clinicId, props.patientId));
  const usable = documents.data?.documents.filter((d) => d.retracted === null) ?? [];
  const where =
    props.audience === 'patient' ? (
      <>
        To share a new file, add it on <TextLink to="/patient/documents">My documents</TextLink>{' '}
        first.
      </>
    ) : (
      "To share a new file, add it to the patient's documents first."
    );
  return (
    <Stack gap="xs">
      <QueryStatus query={documents} loadingLabel="Loading documents…" />
      {documents.data &&
        (usable.length === 0 ? (
          <Text size="sm">No documents to attach yet. {where}</Text>
        ) : (
          <Checkbox.Group
            label="Attach documents (optional)"
            description={<>Documents already in the record. {where}</>}
            value={props.value}
            onChange={props.onChange}
          >
            <Stack gap={6} mt="xs">
              {usable.map((d) => (
                <Checkbox
                  key={d.id}
                  value={d.id}
                  label={`${d.fileName} (${categoryLabels[d.category]})`}
                />
              ))}
            </Stack>
          </Checkbox.Group>
        ))}
    </Stack>
  );
}
