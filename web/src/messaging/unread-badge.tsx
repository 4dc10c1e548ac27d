import { Badge, VisuallyHidden } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useSession } from '../auth/session';
import { unreadQuery } from './messaging-queries';

/**
 * The signed-in person's unread messages, beside the Messages / Inbox link. Kept current by
 * `unread.changed` events (messaging-live.ts); the number reads as "3 unread".
 */
export function UnreadNavBadge() {
  const sessionState = useSession();
  const userId = sessionState.status === 'signed-in' ? sessionState.session.user.id : undefined;
  const unread = useQuery({ ...unreadQuery(userId ?? ''), enabled: userId !== undefined });
  const total = unread.data?.total ?? 0;
  if (total === 0) return null;
  return (
    <Badge color="red.9" radius="xl" tt="none" data-testid="unread-badge">
      {total > 99 ? '99+' : total}
      <VisuallyHidden> unread</VisuallyHidden>
    </Badge>
  );
}
