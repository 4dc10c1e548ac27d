import { Stack, Text, Title } from '@mantine/core';
import { useLocation } from 'react-router';
import { TextLink } from './text-link';
import { PageTitle } from './page-title';

export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <Stack gap="md" maw={720}>
      <PageTitle title="Page not found" />
      <Title order={1}>Page not found</Title>
      <Text>
        There is no page at <code>{pathname}</code>. If you typed the address, check it for typos.
      </Text>
      <Text>
        <TextLink to="/">Go to the OpenVisit home page</TextLink>
      </Text>
    </Stack>
  );
}
