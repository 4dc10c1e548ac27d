import { useRef, useState, type FormEvent } from 'react';
import { Button, Group, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useLocation, useNavigate, useParams } from 'react-router';
import {
  MESSAGE_BODY_MAX,
  messageThreadCreateSchema,
  messageThreadCreatedSchema,
  type MessageThreadCreated,
} from '@openvisit/contracts';
import { ApiProblem, ApiUnreachable, apiSend } from '../api/client';
import { bodyFieldErrors, type FieldMessages } from '../api/field-errors';
import { FormProblemAlert } from '../auth/form-feedback';
import { useSession } from '../auth/session';
import { useOwnRecord } from '../chart/my-record-pages';
import { useDraft } from '../shell/drafts';
import { SuccessNotice } from '../shell/live-region';
import { PageTitle } from '../shell/page-title';
import { EmergencyNotice } from './emergency-notice';
import { patientStatusLabels } from './message-labels';
import {
  newMessageId,
  patientThreadsKey,
  patientThreadsQuery,
  threadKey,
  threadsPath,
  type ThreadView,
} from './messaging-queries';
import { AttachmentPicker, ThreadScreen } from './thread-conversation';
import { ThreadList, lastActivityColumn, statusColumn } from './thread-list';

/** The patient's conversations with their care team, and a new one. */
export function PatientMessagesPage() {
  const record = useOwnRecord();
  const sessionState = useSession();
  const viewerId = sessionState.status === 'signed-in' ? sessionState.session.user.id : '';
  return (
    <Stack gap="lg" maw={900}>
      <PageTitle title="Messages" />
      <Title order={1}>Messages</Title>
      <Text>
        Ask your care team about things that can wait a little: a prescription, a result, how you
        are doing after a visit. They answer during office hours.
      </Text>
      {record ? (
        <>
          <Conversations {...record} viewerId={viewerId} />
          <NewConversation {...record} />
        </>
      ) : (
        <Text>Only patients have messages here.</Text>
      )}
    </Stack>
  );
}

function Conversations(props: { clinicId: string; patientId: string; viewerId: string }) {
  const threads = useInfiniteQuery(
    patientThreadsQuery(props.clinicId, props.patientId, props.viewerId),
  );
  return (
    <Stack gap="sm" component="section" aria-labelledby="conversations-heading">
      <Title order={2} id="conversations-heading">
        Your conversations
      </Title>
      <ThreadList
        query={threads}
        loadingLabel="Loading your conversations…"
        emptyText="No conversations yet. Start one below."
        caption="Your conversations"
        minWidth={560}
        columns={conversationColumns}
        threadPath={(threadId) => `/patient/messages/${threadId}`}
        moreLabel="Show older conversations"
      />
    </Stack>
  );
}

const conversationColumns = [statusColumn(patientStatusLabels), lastActivityColumn];

const formFields = ['subject', 'body', 'attachmentIds'] as const;

function NewConversation({ clinicId, patientId }: { clinicId: string; patientId: string }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [form, setForm] = useDraft(`new-thread:${clinicId}`, { subject: '', body: '' });
  const [attachmentIds, setAttachmentIds] = useState<string[]>([]);
  const [fieldErrors, setFieldErrors] = useState<FieldMessages>({});
  const [attempt, setAttempt] = useState(0);
  // The same conversation sent again (after no answer) keeps its Idempotency-Key.
  const lastTry = useRef<{ key: string; content: string }>(undefined);
  const subjectField = useRef<HTMLInputElement>(null);
  const bodyField = useRef<HTMLTextAreaElement>(null);

  const start = useMutation({
    mutationFn: (input: { key: string; subject: string; body: string; attachmentIds: string[] }) =>
      apiSend(
        'POST',
        threadsPath(clinicId, patientId),
        { subject: input.subject, body: input.body, attachmentIds: input.attachmentIds },
        messageThreadCreatedSchema,
        { idempotencyKey: input.key, timeoutMs: 15_000 },
      ),
    retry: (failures, error) =>
      failures < 2 &&
      (error instanceof ApiUnreachable || (error instanceof ApiProblem && error.status >= 500)),
    onSuccess: (created) => {
      queryClient.setQueryData<ThreadView>(
        threadKey(clinicId, created.thread.id),
        firstView(created),
      );
      void queryClient.invalidateQueries({ queryKey: patientThreadsKey(clinicId, patientId) });
      setForm({ subject: '', body: '' });
      setAttachmentIds([]);
      lastTry.current = undefined;
      void navigate(`/patient/messages/${created.thread.id}`, { state: { started: true } });
    },
    onError: (error) => {
      setFieldErrors(bodyFieldErrors(error));
      setAttempt((n) => n + 1);
    },
  });

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = messageThreadCreateSchema.safeParse({ ...form, attachmentIds });
    if (!parsed.success) {
      const errors: FieldMessages = {};
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0]);
        errors[field] ??= issue.message;
      }
      setFieldErrors(errors);
      (errors.subject ? subjectField : bodyField).current?.focus();
      return;
    }
    setFieldErrors({});
    const { subject, body } = parsed.data;
    const content = JSON.stringify([subject, body, [...attachmentIds].sort()]);
    const key = lastTry.current?.content === content ? lastTry.current.key : newMessageId();
    lastTry.current = { key, content };
    start.mutate({ key, subject, body, attachmentIds });
  }

  return (
    <Stack gap="sm" component="section" aria-labelledby="new-conversation-heading">
      <Title order={2} id="new-conversation-heading">
        New message
      </Title>
      <EmergencyNotice />
      {start.isError && (
        <FormProblemAlert error={start.error} attempt={attempt} fields={formFields} />
      )}
      <form onSubmit={handleSubmit} noValidate>
        <Stack gap="sm">
          <TextInput
            ref={subjectField}
            label="Subject"
            description="A few words, e.g. “Refill for my inhaler”."
            required
            maxLength={200}
            value={form.subject}
            error={fieldErrors.subject}
            onChange={(event) => setForm({ ...form, subject: event.currentTarget.value })}
          />
          <Textarea
            ref={bodyField}
            label="Message"
            description={`Up to ${MESSAGE_BODY_MAX} characters.`}
            required
            autosize
            minRows={4}
            maxRows={14}
            value={form.body}
            error={fieldErrors.body}
            onChange={(event) => setForm({ ...form, body: event.currentTarget.value })}
          />
          <AttachmentPicker
            clinicId={clinicId}
            patientId={patientId}
            audience="patient"
            value={attachmentIds}
            onChange={setAttachmentIds}
          />
          {fieldErrors.attachmentIds && (
            <Text c="red.9" size="sm">
              {fieldErrors.attachmentIds}
            </Text>
          )}
          <Group>
            <Button type="submit" loading={start.isPending}>
              Send to my care team
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}

/** The conversation just started, shown at once while the page fetches the rest. */
function firstView(created: MessageThreadCreated): ThreadView {
  return {
    thread: created.thread,
    messages: [created.message],
    hasOlder: false,
    hasNewer: false,
    viewerSide: 'patient',
    viewerReadUpTo: created.message.sequence,
    receipts: { patient: null, careTeam: null },
    emergencyNotice: created.emergencyNotice,
    fetchedUpTo: created.message.sequence,
    liveSince: undefined,
  };
}

/** One conversation, as the patient reads it. */
export function PatientThreadPage() {
  const { threadId = '' } = useParams();
  const record = useOwnRecord();
  const sessionState = useSession();
  const location = useLocation();
  const started = (location.state as { started?: boolean } | null)?.started === true;
  if (!record || sessionState.status !== 'signed-in') {
    return (
      <Stack gap="lg" maw={900}>
        <PageTitle title="Conversation" />
        <Title order={1}>Conversation</Title>
        <Text>Only patients have messages here.</Text>
      </Stack>
    );
  }
  return (
    <ThreadScreen
      key={threadId}
      clinicId={record.clinicId}
      threadId={threadId}
      viewerId={sessionState.session.user.id}
      audience="patient"
      back={{ to: '/patient/messages', label: 'All messages' }}
      intro={
        started && (
          <SuccessNotice message="Your message was sent to your care team. Their answer will appear here." />
        )
      }
    />
  );
}
