import { Stack, Text, Title } from '@mantine/core';
import { TextLink } from '../shell/text-link';
import { PageTitle } from '../shell/page-title';

export function ProviderHome() {
  return (
    <Stack gap="md" maw={720}>
      <PageTitle title="Provider" />
      <Title order={1}>Provider workspace</Title>
      <Text>
        Today&apos;s schedule, your waiting room and unsigned visit notes will appear here once you{' '}
        <TextLink to="/sign-in">sign in</TextLink> with your clinic account.
      </Text>
      <Text c="dimmed">
        Clinic staff sign-in, with an authenticator code, arrives with the identity release. Nothing
        is shown here yet.
      </Text>
    </Stack>
  );
}
