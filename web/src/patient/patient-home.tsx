import { Stack, Text, Title } from '@mantine/core';
import { TextLink } from '../shell/text-link';
import { PageTitle } from '../shell/page-title';

export function PatientHome() {
  return (
    <Stack gap="md" maw={720}>
      <PageTitle title="Patient" />
      <Title order={1}>Patient area</Title>
      <Text>
        Your upcoming visits, messages from your care team and your records will appear here once
        you <TextLink to="/sign-in">sign in</TextLink>.
      </Text>
      <Text c="dimmed">
        Patient accounts arrive with the identity release; booking and video visits follow it.
        Nothing is shown here yet.
      </Text>
    </Stack>
  );
}
