import { Alert, Anchor, Loader, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { ApiProblem } from '../api/client';
import { describeError } from '../api/describe-error';
import { useOwnRecord } from '../chart/my-record-pages';
import { DateTime } from '../shell/format-time';
import { PageTitle } from '../shell/page-title';
import { summaryQuery } from './note-queries';

/** The patient's after-visit summary and follow-up instructions, once the note is signed. */
export function VisitSummaryPage() {
  const { visitId = '' } = useParams();
  const record = useOwnRecord();
  return (
    <Stack gap="lg" maw={760}>
      <PageTitle title="Visit summary" />
      <Title order={1}>Visit summary</Title>
      {record ? (
        <Summary clinicId={record.clinicId} visitId={visitId} />
      ) : (
        <Text>Only patients have visit summaries here.</Text>
      )}
      <Anchor component={Link} to="/patient/visits">
        Back to my visits
      </Anchor>
    </Stack>
  );
}

function Summary({ clinicId, visitId }: { clinicId: string; visitId: string }) {
  const summary = useQuery(summaryQuery(clinicId, visitId));
  if (summary.isPending) return <Loader size="sm" aria-label="Loading the summary" />;
  if (summary.isError) {
    if (summary.error instanceof ApiProblem && summary.error.status === 404) {
      return (
        <Alert color="blue" title="Not ready yet">
          Your provider has not finished the summary of this visit yet. You will find it here once
          they sign it.
        </Alert>
      );
    }
    return (
      <Alert color="red" title={describeError(summary.error).title}>
        {describeError(summary.error).message}
      </Alert>
    );
  }
  const s = summary.data;
  return (
    <Stack gap="md">
      <Text>
        {s.visitTypeName} with {s.provider.displayName} on <DateTime iso={s.startsAt} />.
      </Text>
      <Stack gap="xs" component="section" aria-labelledby="summary-heading">
        <Title order={2} id="summary-heading">
          What we discussed
        </Title>
        <Text style={{ whiteSpace: 'pre-wrap' }}>{s.patientSummary}</Text>
      </Stack>
      <Stack gap="xs" component="section" aria-labelledby="follow-up-heading">
        <Title order={2} id="follow-up-heading">
          Follow-up instructions
        </Title>
        <Text style={{ whiteSpace: 'pre-wrap' }}>{s.followUp || 'None.'}</Text>
      </Stack>
      <Text size="sm" c="dimmed">
        Signed by {s.provider.displayName} on <DateTime iso={s.signedAt} />
        {s.amendedAt ? (
          <>
            ; updated on <DateTime iso={s.amendedAt} />
          </>
        ) : null}
        . Questions? Send your care team a secure message.
      </Text>
    </Stack>
  );
}
