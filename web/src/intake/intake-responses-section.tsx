import { Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { patientQuery } from '../care/care-queries';
import { viewerTimeZone } from '../shell/format-time';
import { QueryStatus } from '../shell/query-status';
import { intakeResponsesQuery } from './intake-queries';
import { IntakeResponseList } from './intake-response-list';

/** The patient's questionnaire answers on their record, for the providers caring for them. */
export function IntakeResponsesSection({
  clinicId,
  patientId,
}: {
  clinicId: string;
  patientId: string;
}) {
  // The record's summary (already loaded by the page) says how the viewer reached it: staff
  // see no clinical content, so their view does not even ask (a refusal would be audited).
  const summary = useQuery(patientQuery(clinicId, patientId));
  const staffOnly = summary.data?.access === 'clinic-staff';
  const responses = useQuery({
    ...intakeResponsesQuery(clinicId, patientId),
    enabled: summary.data !== undefined && !staffOnly,
  });
  if (!summary.data) return null;
  return (
    <Stack gap="sm" component="section" aria-labelledby="intake-responses-heading">
      <Title order={2} id="intake-responses-heading">
        Intake questionnaires
      </Title>
      {staffOnly ? (
        <Text>Questionnaire answers are clinical: only the patient’s providers see them.</Text>
      ) : (
        <>
          <Text size="sm">
            What the patient answered before visits, newest first. Times are in your time zone (
            {viewerTimeZone}).
          </Text>
          <QueryStatus query={responses} loadingLabel="Loading questionnaire answers…" />
          {responses.data && (
            <IntakeResponseList
              responses={responses.data.responses}
              empty="The patient has not sent any questionnaire yet."
            />
          )}
        </>
      )}
    </Stack>
  );
}
