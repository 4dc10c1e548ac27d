import { useRef, useState, type FormEvent } from 'react';
import { Alert, Button, Stack, Text, Textarea, Title } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { VISIT_CHAT_MAX } from '@openvisit/contracts';
import { describeError } from '../api/describe-error';
import { newMessageId } from '../messaging/messaging-queries';
import { formatTime } from './visit-time';
import { putChatMessage, sendChat, visitChatQuery, type VisitView } from './visit-queries';
import classes from './visits.module.css';

/** The chat beside the call: messages (kept with the visit) and a form to write one. */
export function VisitChat({ clinicId, visitId, viewerId }: VisitView) {
  const chat = useQuery(visitChatQuery(clinicId, visitId));
  const queryClient = useQueryClient();
  const [body, setBody] = useState('');
  const [error, setError] = useState('');
  const [sending, setSending] = useState(false);
  // Kept across retries of the same text: a resend lands on the same message.
  const pendingId = useRef<string | undefined>(undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = body.trim();
    if (!text) {
      setError('Write a message.');
      return;
    }
    pendingId.current ??= newMessageId();
    setSending(true);
    setError('');
    try {
      const message = await sendChat(clinicId, visitId, pendingId.current, text);
      putChatMessage(queryClient, clinicId, message);
      pendingId.current = undefined;
      setBody('');
    } catch (failure) {
      setError(describeError(failure).message);
    } finally {
      setSending(false);
    }
  };

  return (
    <Stack gap="sm" component="section" aria-labelledby="visit-chat-heading">
      <Title order={2} size="h3" id="visit-chat-heading">
        Chat
      </Title>
      {chat.isError && <Alert color="red">The chat could not be loaded.</Alert>}
      <ul className={classes.chatList} aria-label="Chat messages, oldest first" aria-live="polite">
        {chat.data?.messages.map((message) => (
          <li key={message.id} className={classes.chatMessage}>
            <Text size="sm" fw={600}>
              {message.sender.id === viewerId ? 'You' : message.sender.displayName},{' '}
              <time dateTime={message.createdAt}>{formatTime(message.createdAt)}</time>
            </Text>
            <Text style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{message.body}</Text>
          </li>
        ))}
      </ul>
      {chat.data?.messages.length === 0 && <Text c="dimmed">No messages yet.</Text>}
      <form onSubmit={(event) => void submit(event)} noValidate>
        <Stack gap="xs">
          <Textarea
            label="Message"
            value={body}
            maxLength={VISIT_CHAT_MAX}
            autosize
            minRows={2}
            error={error || undefined}
            onChange={(event) => {
              setBody(event.currentTarget.value);
              pendingId.current = undefined;
            }}
          />
          <Button type="submit" loading={sending} style={{ alignSelf: 'flex-start' }}>
            Send
          </Button>
        </Stack>
      </form>
    </Stack>
  );
}
