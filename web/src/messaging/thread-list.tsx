import { useState, type ReactNode } from 'react';
import { Badge, Button, Group, Table, Text } from '@mantine/core';
import type { MessageThreadStatus, MessageThreadSummary } from '@openvisit/contracts';
import { DateTime, viewerTimeZone } from '../shell/format-time';
import { LiveRegion } from '../shell/live-region';
import { QueryStatus } from '../shell/query-status';
import { TextLink } from '../shell/text-link';
import { statusColors, unreadLabel } from './message-labels';
import { LIST_CHANNEL, announcementSerial, useAnnouncement } from './messaging-live';
import { threadsOf } from './messaging-queries';
import classes from './messaging.module.css';

/** A column of the list after the subject, which heads each row. */
export interface ThreadColumn {
  header: string;
  cell: (thread: MessageThreadSummary) => ReactNode;
}

/** The status in the words of the side reading the list (care team or patient). */
export const statusColumn = (labels: Record<MessageThreadStatus, string>): ThreadColumn => ({
  header: 'Status',
  cell: (thread) => (
    <Badge color={statusColors[thread.status]} radius="sm" tt="none">
      {labels[thread.status]}
    </Badge>
  ),
});

export const lastActivityColumn: ThreadColumn = {
  header: 'Last activity',
  cell: (thread) => <DateTime iso={thread.lastMessageAt} />,
};

/** What the list needs of its infinite query (the inbox's or a patient's threads). */
interface ThreadListQuery {
  data: { pages: { threads: MessageThreadSummary[] }[] } | undefined;
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/**
 * Conversations, newest activity first: what changed in the list said aloud, its loading and
 * error states, a table with each subject (and its unread count) heading a row, and further
 * pages on request.
 */
export function ThreadList(props: {
  query: ThreadListQuery;
  loadingLabel: string;
  emptyText: string;
  caption: string;
  minWidth: number;
  columns: ThreadColumn[];
  threadPath: (threadId: string) => string;
  moreLabel: string;
  rowTestId?: string;
}) {
  const { query } = props;
  const [announcedSince] = useState(announcementSerial);
  const announcement = useAnnouncement(LIST_CHANNEL, announcedSince);
  const rows = threadsOf(query.data);
  return (
    <>
      <LiveRegion>
        {announcement && <Text key={announcement.serial}>{announcement.text}</Text>}
      </LiveRegion>
      <QueryStatus query={query} loadingLabel={props.loadingLabel} />
      {query.data &&
        (rows.length === 0 ? (
          <Text>{props.emptyText}</Text>
        ) : (
          <>
            <Text size="sm" c="dimmed">
              Newest activity first. Times are in your time zone ({viewerTimeZone}).
            </Text>
            <Table.ScrollContainer minWidth={props.minWidth}>
              <Table verticalSpacing="sm" striped>
                <Table.Caption>{props.caption}</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Subject</Table.Th>
                    {props.columns.map((column) => (
                      <Table.Th key={column.header} scope="col">
                        {column.header}
                      </Table.Th>
                    ))}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((thread) => (
                    <Table.Tr
                      key={thread.id}
                      className={thread.unread > 0 ? classes.unreadRow : undefined}
                      data-testid={props.rowTestId}
                    >
                      <Table.Th scope="row" fw="inherit">
                        <Group gap="xs" wrap="nowrap">
                          <TextLink to={props.threadPath(thread.id)}>{thread.subject}</TextLink>
                          {thread.unread > 0 && (
                            <Badge color="red.9" radius="sm" tt="none" data-testid="thread-unread">
                              {unreadLabel(thread.unread)}
                            </Badge>
                          )}
                        </Group>
                      </Table.Th>
                      {props.columns.map((column) => (
                        <Table.Td key={column.header}>{column.cell(thread)}</Table.Td>
                      ))}
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {query.hasNextPage && (
              <Group>
                <Button
                  variant="default"
                  onClick={() => void query.fetchNextPage()}
                  loading={query.isFetchingNextPage}
                >
                  {props.moreLabel}
                </Button>
              </Group>
            )}
          </>
        ))}
    </>
  );
}
