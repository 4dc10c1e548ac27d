import { Card, Stack, Text } from '@mantine/core';
import type { IntakeResponse } from '@openvisit/contracts';
import { DateTime } from '../shell/format-time';
import { IntakeAnswersView } from './intake-answers-view';

/**
 * Responses, newest first: the newest open, older ones folded. Each shows the questions of
 * the version it answered, so labels fit the answers even after the form changed.
 */
export function IntakeResponseList({
  responses,
  empty,
}: {
  responses: IntakeResponse[];
  empty: string;
}) {
  if (responses.length === 0) return <Text>{empty}</Text>;
  return (
    <Stack gap="sm">
      {responses.map((response, index) => (
        <Card key={response.id} withBorder padding="md" component="article">
          <details open={index === 0}>
            <summary>
              <Text span fw={600}>
                {response.form.title}
              </Text>
              <Text span>
                {' '}
                sent <DateTime iso={response.submittedAt} />
              </Text>
            </summary>
            <Stack gap="sm" mt="sm">
              <Text size="sm" c="dimmed">
                Questionnaire version {response.form.version}
                {response.appointmentId ? ', for an appointment' : ''}
              </Text>
              <IntakeAnswersView response={response} />
            </Stack>
          </details>
        </Card>
      ))}
    </Stack>
  );
}
