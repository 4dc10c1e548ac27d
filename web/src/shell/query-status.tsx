import { Alert, Button, Group, Loader, Stack, Text } from '@mantine/core';
import { describeError } from '../api/describe-error';

/** Loading and failure of a page's query, announced to screen readers, with a retry. */
export function QueryStatus({
  query,
  loadingLabel,
}: {
  query: { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };
  loadingLabel: string;
}) {
  if (query.isPending) {
    return (
      <Group gap="sm" role="status">
        <Loader size="sm" aria-hidden />
        <Text>{loadingLabel}</Text>
      </Group>
    );
  }
  if (query.isError) {
    const { title, message } = describeError(query.error);
    return (
      <Stack gap="md">
        <Alert color="red" title={title}>
          {message}
        </Alert>
        <Group>
          <Button onClick={() => void query.refetch()}>Try again</Button>
        </Group>
      </Stack>
    );
  }
  return null;
}
