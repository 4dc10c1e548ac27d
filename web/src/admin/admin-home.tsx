import { Stack, Text, Title } from '@mantine/core';
import { useSession } from '../auth/session';
import { TextLink } from '../shell/text-link';
import { PageTitle } from '../shell/page-title';

export function AdminHome() {
  const sessionState = useSession();
  return (
    <Stack gap="md" maw={720}>
      <PageTitle title="Admin" />
      <Title order={1}>Clinic administration</Title>
      {sessionState.status === 'signed-in' ? (
        <>
          <Text>
            Welcome, {sessionState.session.user.displayName}. Provider schedules and the audit trail
            for your clinic will appear here.
          </Text>
          {sessionState.session.memberships.some((membership) => membership.role === 'admin') && (
            <Text>
              Invite providers, staff and admins, disable accounts and reset two-step sign-in on the{' '}
              <TextLink to="/admin/people">People</TextLink> page.
            </Text>
          )}
          {sessionState.session.memberships.some((membership) => membership.role === 'admin') && (
            <Text>
              Keep provider profiles and state licenses on the{' '}
              <TextLink to="/admin/providers">Providers</TextLink> page, and publish new versions of
              the documents patients sign under{' '}
              <TextLink to="/admin/consents">Consent documents</TextLink>.
            </Text>
          )}
        </>
      ) : (
        <Text>
          People and roles, provider schedules and the audit trail for your clinic will appear here
          once you <TextLink to="/sign-in?next=/admin">sign in</TextLink> as a clinic admin.
        </Text>
      )}
      <Text c="dimmed">
        Until then, operators can check whether this server and its database are ready on the{' '}
        <TextLink to="/status">system status</TextLink> page.
      </Text>
    </Stack>
  );
}
