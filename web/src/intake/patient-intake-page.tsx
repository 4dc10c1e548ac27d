import { useEffect, useRef, useState } from 'react';
import { Button, Card, Group, NativeSelect, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import type { IntakeResponse } from '@openvisit/contracts';
import { useSession } from '../auth/session';
import { DateTime, viewerTimeZone } from '../shell/format-time';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';
import { IntakeFormFill } from './intake-form';
import { intakeFormsQuery, intakeResponsesQuery } from './intake-queries';
import { IntakeResponseList } from './intake-response-list';

/** The patient fills a pre-visit questionnaire and sees what they sent before. */
export function PatientIntakePage() {
  const sessionState = useSession();
  const own =
    sessionState.status === 'signed-in'
      ? sessionState.session.memberships.find((m) => m.role === 'patient')
      : undefined;
  const patientId = sessionState.status === 'signed-in' ? sessionState.session.user.id : '';
  return (
    <Stack gap="lg" maw={760}>
      <PageTitle title="Pre-visit questionnaire" />
      <Title order={1}>Pre-visit questionnaire</Title>
      <Text>
        Answer a few questions before your visit so your care team can prepare. Only you and the
        providers caring for you see your answers.
      </Text>
      {own ? (
        <>
          <FillSection clinicId={own.organizationId} patientId={patientId} />
          <PastAnswers clinicId={own.organizationId} patientId={patientId} />
        </>
      ) : (
        <Text>Only patients fill in questionnaires.</Text>
      )}
    </Stack>
  );
}

function FillSection({ clinicId, patientId }: { clinicId: string; patientId: string }) {
  const forms = useQuery(intakeFormsQuery(clinicId));
  // The choice is in the address, so it survives signing in again after an idle sign-out.
  const [searchParams, setSearchParams] = useSearchParams();
  const slug = searchParams.get('form') ?? '';
  const [sent, setSent] = useState<IntakeResponse>();
  const chosen = forms.data?.forms.find((form) => form.slug === slug);

  return (
    <Stack gap="md" component="section" aria-labelledby="fill-heading">
      <Title order={2} id="fill-heading">
        Fill in a questionnaire
      </Title>
      <QueryStatus query={forms} loadingLabel="Loading questionnaires…" />
      {sent ? (
        <Confirmation
          response={sent}
          onAnother={() => {
            setSent(undefined);
            setSearchParams({});
          }}
        />
      ) : (
        forms.data && (
          <>
            {forms.data.forms.length === 0 ? (
              <Text>Your clinic has no questionnaires yet.</Text>
            ) : (
              <NativeSelect
                label="Questionnaire"
                description="Your clinic may have asked you to fill in a particular one."
                value={chosen ? chosen.slug : ''}
                onChange={(event) =>
                  setSearchParams(
                    event.currentTarget.value ? { form: event.currentTarget.value } : {},
                  )
                }
                data={[
                  { value: '', label: 'Choose a questionnaire' },
                  ...forms.data.forms.map((form) => ({ value: form.slug, label: form.title })),
                ]}
                maw={420}
              />
            )}
            {chosen && (
              <IntakeFormFill
                key={chosen.id}
                clinicId={clinicId}
                patientId={patientId}
                form={chosen}
                onSubmitted={setSent}
              />
            )}
          </>
        )
      )}
    </Stack>
  );
}

function Confirmation({
  response,
  onAnother,
}: {
  response: IntakeResponse;
  onAnother: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  // The form is replaced by this confirmation: move focus here so it is read, not lost.
  useEffect(() => heading.current?.focus(), []);
  return (
    <Card withBorder padding="lg" aria-labelledby="intake-sent-heading">
      <Stack gap="sm">
        <Title order={3} id="intake-sent-heading" ref={heading} tabIndex={-1}>
          Thank you: your answers were sent
        </Title>
        <Text>
          Your answers to “{response.form.title}” were sent on{' '}
          <DateTime iso={response.submittedAt} />. Your care team will see them before your visit.
        </Text>
        <Group>
          <Button variant="default" onClick={onAnother}>
            Fill in another questionnaire
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function PastAnswers({ clinicId, patientId }: { clinicId: string; patientId: string }) {
  const responses = useQuery(intakeResponsesQuery(clinicId, patientId));
  return (
    <Stack gap="sm" component="section" aria-labelledby="past-answers-heading">
      <Title order={2} id="past-answers-heading">
        Your past answers
      </Title>
      <Text size="sm">Newest first. Times are in your time zone ({viewerTimeZone}).</Text>
      <QueryStatus query={responses} loadingLabel="Loading your past answers…" />
      {responses.data && (
        <IntakeResponseList
          responses={responses.data.responses}
          empty="You have not sent any questionnaire yet."
        />
      )}
    </Stack>
  );
}
