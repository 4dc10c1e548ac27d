import { useRef, useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Card,
  DataList,
  Group,
  Loader,
  Modal,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { sessionListSchema, type SessionList } from '@openvisit/contracts';
import { ApiProblem, apiGet, apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import { LiveRegion } from '../shell/live-region';
import { PageTitle } from '../shell/page-title';
import { describeDevice } from './device-description';
import { DateTime, formatDateTime, viewerTimeZone } from '../shell/format-time';

type AccountSession = SessionList['sessions'][number];

export const sessionListQuery = queryOptions({
  queryKey: ['auth', 'sessions'],
  queryFn: ({ signal }) => apiGet('/api/auth/sessions', sessionListSchema, { signal }),
  staleTime: 0,
});

export function SessionsPage() {
  const sessions = useQuery(sessionListQuery);
  const queryClient = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);
  const [target, setTarget] = useState<AccountSession | null>(null);
  const [confirmOpen, setConfirmOpen] = useState(false);
  const [notice, setNotice] = useState('');

  const endSession = useMutation({
    mutationFn: async (session: AccountSession): Promise<'ended' | 'already-ended'> => {
      try {
        await apiSend('DELETE', `/api/auth/sessions/${encodeURIComponent(session.id)}`);
        return 'ended';
      } catch (error) {
        // Ended meanwhile (it idled out, or from another tab): the person's goal is met.
        if (error instanceof ApiProblem && error.status === 404) return 'already-ended';
        throw error;
      }
    },
    onSuccess: (outcome, session) => {
      setNotice(
        outcome === 'ended'
          ? `Session ended: ${describeDevice(session.userAgent)} is signed out.`
          : 'That session had already ended.',
      );
      setConfirmOpen(false);
      void queryClient.invalidateQueries({ queryKey: sessionListQuery.queryKey });
    },
  });

  function askToEnd(session: AccountSession) {
    endSession.reset();
    setNotice('');
    setTarget(session);
    setConfirmOpen(true);
  }

  return (
    <Stack gap="lg" maw={760}>
      <PageTitle title="Your sessions" />
      <Stack gap="xs">
        <Title order={1} ref={heading} tabIndex={-1}>
          Your sessions
        </Title>
        <Text>
          The browsers and devices signed in to your account. If you used a shared computer, or you
          do not recognise one, end its session: it is signed out at once.
        </Text>
        <Text size="sm" c="dimmed">
          Times are in your time zone ({viewerTimeZone}).
        </Text>
      </Stack>

      <LiveRegion>
        {/* role="none": the live region around it announces it, once. */}
        {notice && (
          <Alert color="teal" role="none">
            {notice}
          </Alert>
        )}
      </LiveRegion>

      {sessions.isPending && (
        <Group gap="sm" role="status">
          <Loader size="sm" aria-hidden />
          <Text>Loading your sessions…</Text>
        </Group>
      )}
      {sessions.isError && (
        <LoadFailed error={sessions.error} onRetry={() => void sessions.refetch()} />
      )}
      {sessions.data && <SessionCards sessions={sessions.data.sessions} onEnd={askToEnd} />}

      <Modal
        opened={confirmOpen}
        onClose={() => setConfirmOpen(false)}
        title="End this session?"
        closeButtonProps={{ 'aria-label': 'Cancel' }}
        // The button that opened the dialog is gone once its session ends; the heading is not.
        returnFocus={!endSession.isSuccess}
        onExitTransitionEnd={() => {
          if (endSession.isSuccess) heading.current?.focus();
        }}
      >
        {target && (
          <Stack gap="md">
            <Text>
              {describeDevice(target.userAgent)}
              {target.ipAddress ? ` at ${target.ipAddress}` : ''}, last active{' '}
              {formatDateTime(target.lastSeenAt)}, will be signed out. Anything not saved there is
              lost.
            </Text>
            {endSession.isError && (
              <Alert color="red" title={describeError(endSession.error).title}>
                {describeError(endSession.error).message}
              </Alert>
            )}
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setConfirmOpen(false)}>
                Cancel
              </Button>
              <Button
                color="red.9"
                loading={endSession.isPending}
                onClick={() => endSession.mutate(target)}
              >
                End session
              </Button>
            </Group>
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}

function SessionCards({
  sessions,
  onEnd,
}: {
  sessions: AccountSession[];
  onEnd: (session: AccountSession) => void;
}) {
  // This device first, then the most recently active.
  const ordered = [...sessions].sort(
    (a, b) => Number(b.current) - Number(a.current) || b.lastSeenAt.localeCompare(a.lastSeenAt),
  );
  return (
    <Stack component="ul" gap="md" p={0} m={0} style={{ listStyle: 'none' }}>
      {ordered.map((session) => (
        <Card key={session.id} component="li" withBorder padding="lg">
          <SessionCard session={session} onEnd={onEnd} />
        </Card>
      ))}
    </Stack>
  );
}

function SessionCard({
  session,
  onEnd,
}: {
  session: AccountSession;
  onEnd: (session: AccountSession) => void;
}) {
  const headingId = `session-${session.id}`;
  return (
    <Stack gap="sm">
      <Group gap="sm" justify="space-between" align="center">
        <Group gap="sm">
          <Title order={2} size="h4" id={headingId}>
            {describeDevice(session.userAgent)}
          </Title>
          {session.current && (
            <Badge color="teal.9" radius="sm" tt="none">
              This device
            </Badge>
          )}
        </Group>
        {!session.current && (
          <Button
            variant="outline"
            color="red.9"
            aria-describedby={headingId}
            onClick={() => onEnd(session)}
          >
            End session
          </Button>
        )}
      </Group>
      <DataList size="sm" labelWidth="8rem">
        <DataList.Item>
          <DataList.ItemLabel>Signed in</DataList.ItemLabel>
          <DataList.ItemValue>
            <DateTime iso={session.createdAt} />
          </DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Last active</DataList.ItemLabel>
          <DataList.ItemValue>
            <DateTime iso={session.lastSeenAt} />
          </DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>IP address</DataList.ItemLabel>
          <DataList.ItemValue>{session.ipAddress ?? 'Unknown'}</DataList.ItemValue>
        </DataList.Item>
      </DataList>
      {session.current && (
        <Text size="sm" c="dimmed">
          To end this session, sign out.
        </Text>
      )}
    </Stack>
  );
}

function LoadFailed({ error, onRetry }: { error: Error; onRetry: () => void }) {
  const { title, message } = describeError(error);
  return (
    <Stack gap="md">
      <Alert color="red" title={title}>
        {message}
      </Alert>
      <Group>
        <Button onClick={onRetry}>Try again</Button>
      </Group>
    </Stack>
  );
}
