import { Stack, Text, Title } from '@mantine/core';
import { useSession } from '../auth/session';
import { TextLink } from '../shell/text-link';
import { PageTitle } from '../shell/page-title';

export function PatientHome() {
  const sessionState = useSession();
  return (
    <Stack gap="md" maw={720}>
      <PageTitle title="Patient" />
      <Title order={1}>Patient area</Title>
      {sessionState.status === 'signed-in' ? (
        <Text>
          Welcome, {sessionState.session.user.displayName}. Your upcoming visits, messages from your
          care team and your records will appear here.
        </Text>
      ) : (
        <Text>
          Your upcoming visits, messages from your care team and your records will appear here once
          you <TextLink to="/sign-in?next=/patient">sign in</TextLink>. New here?{' '}
          <TextLink to="/register">Create an account</TextLink>.
        </Text>
      )}
      <Text c="dimmed">
        Booking and video visits arrive in the next releases. Nothing is shown here yet.
      </Text>
    </Stack>
  );
}
