import { Stack, Text, Title } from '@mantine/core';
import { TextLink } from '../shell/text-link';
import { PageTitle } from '../shell/page-title';

export function AdminHome() {
  return (
    <Stack gap="md" maw={720}>
      <PageTitle title="Admin" />
      <Title order={1}>Clinic administration</Title>
      <Text>
        People and roles, provider schedules and the audit trail for your clinic will appear here
        once you <TextLink to="/sign-in">sign in</TextLink> as a clinic admin.
      </Text>
      <Text c="dimmed">
        Until then, operators can check whether this server and its database are ready on the{' '}
        <TextLink to="/status">system status</TextLink> page.
      </Text>
    </Stack>
  );
}
