import { Progress, Stack, Text } from '@mantine/core';

/**
 * The bar and the words of an upload under way: the words are a status region, so screen
 * readers hear "Uploading… 40%", then "Checking the file…" while the server inspects it,
 * then "Upload complete.". Nothing before the first attempt (progress null).
 */
export function UploadProgress({
  progress,
  pending,
  label = 'Upload progress',
}: {
  progress: number | null;
  pending: boolean;
  label?: string;
}) {
  if (progress === null) return null;
  const status = pending
    ? progress < 100
      ? `Uploading… ${progress}%`
      : 'Checking the file…'
    : progress === 100
      ? 'Upload complete.'
      : '';
  return (
    <Stack gap={4}>
      <Progress value={progress} aria-label={label} size="lg" />
      <Text size="sm" role="status">
        {status}
      </Text>
    </Stack>
  );
}
