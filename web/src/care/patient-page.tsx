import { useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Group,
  List,
  NativeSelect,
  Stack,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { breakGlassGrantSchema, type PatientSummary } from '@openvisit/contracts';
import { ApiProblem, apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import { bodyFieldErrors } from '../api/field-errors';
import { useSession } from '../auth/session';
import { SuccessNotice } from '../shell/live-region';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';
import { TextLink } from '../shell/text-link';
import { DateTime } from '../shell/format-time';
import { DisclosuresSection } from '../audit/disclosures-section';
import { ChartTabs } from '../chart/chart-tabs';
import { patientPath, patientQuery, providersQuery } from './care-queries';

export function PatientPage() {
  const { clinicId = '', patientId = '' } = useParams();
  const sessionState = useSession();
  const summary = useQuery(patientQuery(clinicId, patientId));
  const roles = new Set(
    sessionState.status === 'signed-in'
      ? sessionState.session.memberships
          .filter((m) => m.organizationId === clinicId)
          .map((m) => m.role)
      : [],
  );
  const refused = summary.error instanceof ApiProblem ? summary.error : undefined;

  return (
    <Stack gap="lg" maw={900}>
      <PageTitle title={summary.data ? summary.data.patient.displayName : 'Patient'} />
      <TextLink to="/clinic/patients">All patients</TextLink>
      {refused?.is('no-care-relationship') ? (
        <>
          <Title order={1}>Patient record</Title>
          <BreakGlassRequest clinicId={clinicId} patientId={patientId} />
        </>
      ) : refused?.is('not-found') || refused?.is('forbidden') ? (
        <>
          <Title order={1}>Patient record</Title>
          <Alert color="red" title="Not available">
            This record does not exist or is not yours to see.
          </Alert>
        </>
      ) : (
        <QueryStatus query={summary} loadingLabel="Loading the patient…" />
      )}
      {summary.data && (
        <PatientSummaryView
          summary={summary.data}
          clinicId={clinicId}
          managesCareTeam={roles.has('staff') || roles.has('admin')}
        />
      )}
    </Stack>
  );
}

function PatientSummaryView({
  summary,
  clinicId,
  managesCareTeam,
}: {
  summary: PatientSummary;
  clinicId: string;
  managesCareTeam: boolean;
}) {
  return (
    <>
      <Title order={1}>{summary.patient.displayName}</Title>
      {summary.access === 'break-glass' && (
        <Alert color="red" title="Emergency access">
          You opened this record with break-glass access. It closes within an hour, every look is
          recorded, and your clinic&apos;s admins review it.
        </Alert>
      )}
      <Text>Email: {summary.patient.email}</Text>
      {summary.patient.status === 'disabled' && (
        <Text>This patient&apos;s account is disabled.</Text>
      )}
      <ChartTabs
        clinicId={clinicId}
        patientId={summary.patient.id}
        clinical={summary.access !== 'clinic-staff'}
        staff={managesCareTeam}
        overview={
          <>
            <CareTeam summary={summary} clinicId={clinicId} manages={managesCareTeam} />
            <DisclosuresSection
              clinicId={clinicId}
              patientId={summary.patient.id}
              audience={managesCareTeam ? 'staff' : 'provider'}
            />
          </>
        }
      />
    </>
  );
}

function CareTeam({
  summary,
  clinicId,
  manages,
}: {
  summary: PatientSummary;
  clinicId: string;
  manages: boolean;
}) {
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState('');
  const base = patientPath(clinicId, summary.patient.id);
  const change = useMutation({
    mutationFn: ({ providerId, add }: { providerId: string; add: boolean; name: string }) =>
      apiSend(add ? 'PUT' : 'DELETE', `${base}/care-team/${encodeURIComponent(providerId)}`),
    onSuccess: (_result, { add, name }) => {
      setNotice(add ? `${name} joined the care team.` : `${name} left the care team.`);
      void queryClient.invalidateQueries({ queryKey: ['clinics', clinicId, 'patients'] });
    },
  });

  return (
    <Stack gap="sm" component="section" aria-labelledby="care-team-heading">
      <Title order={2} id="care-team-heading">
        Care team
      </Title>
      <SuccessNotice message={notice} />
      {summary.careTeam.length === 0 ? (
        <Text>No provider is on this patient&apos;s care team yet.</Text>
      ) : (
        <List spacing="xs">
          {summary.careTeam.map((member) => (
            <List.Item key={member.providerId}>
              <Group gap="sm">
                <Text span>
                  {member.displayName}, since <DateTime iso={member.since} />
                </Text>
                {manages && (
                  <Button
                    size="xs"
                    variant="outline"
                    color="red.9"
                    aria-label={`Remove ${member.displayName} from the care team`}
                    loading={change.isPending && change.variables.providerId === member.providerId}
                    onClick={() =>
                      change.mutate({
                        providerId: member.providerId,
                        add: false,
                        name: member.displayName,
                      })
                    }
                  >
                    Remove
                  </Button>
                )}
              </Group>
            </List.Item>
          ))}
        </List>
      )}
      {change.isError && (
        <Alert color="red" title={describeError(change.error).title}>
          {describeError(change.error).message}
        </Alert>
      )}
      {manages && (
        <AddToCareTeam
          clinicId={clinicId}
          exclude={summary.careTeam.map((m) => m.providerId)}
          onAdd={(providerId, name) => change.mutate({ providerId, add: true, name })}
          pending={change.isPending}
        />
      )}
    </Stack>
  );
}

function AddToCareTeam(props: {
  clinicId: string;
  exclude: string[];
  onAdd: (providerId: string, name: string) => void;
  pending: boolean;
}) {
  const providers = useQuery(providersQuery(props.clinicId));
  const [choice, setChoice] = useState('');
  const options = (providers.data?.providers ?? []).filter((p) => !props.exclude.includes(p.id));
  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const provider = options.find((p) => p.id === choice);
    if (provider) props.onAdd(provider.id, provider.displayName);
  }
  if (providers.isPending || providers.isError) {
    return <QueryStatus query={providers} loadingLabel="Loading providers…" />;
  }
  if (options.length === 0) return <Text>Every provider of the clinic is on this care team.</Text>;
  return (
    <form onSubmit={handleSubmit}>
      <Group align="flex-end">
        <NativeSelect
          label="Add a provider"
          value={choice}
          onChange={(event) => setChoice(event.currentTarget.value)}
          data={[
            { value: '', label: 'Choose a provider' },
            ...options.map((p) => ({ value: p.id, label: p.displayName })),
          ]}
        />
        <Button type="submit" disabled={!choice} loading={props.pending}>
          Add to care team
        </Button>
      </Group>
    </form>
  );
}

/** A provider without a care relationship may open the record in an emergency, saying why. */
function BreakGlassRequest({ clinicId, patientId }: { clinicId: string; patientId: string }) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const request = useMutation({
    mutationFn: (body: { reason: string }) =>
      apiSend(
        'POST',
        `${patientPath(clinicId, patientId)}/break-glass`,
        body,
        breakGlassGrantSchema,
      ),
    onSuccess: () =>
      void queryClient.invalidateQueries({ queryKey: ['clinics', clinicId, 'patients'] }),
  });
  const reasonError =
    request.error instanceof ApiProblem ? bodyFieldErrors(request.error).reason : undefined;

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    request.mutate({ reason: reason.trim() });
  }

  return (
    <Stack gap="md">
      <Alert color="red.9" title="You are not on this patient's care team">
        Only the providers caring for a patient may open their record. In an emergency you may open
        it for one hour: your reason is recorded, every look is audited, and your clinic&apos;s
        admins are told and review it.
      </Alert>
      <form onSubmit={handleSubmit} noValidate>
        <Stack gap="sm">
          <Textarea
            label="Reason for emergency access"
            description="Say why in a sentence, without clinical detail (for example: covering the on-call shift for Dr. Chen)."
            required
            minRows={3}
            maxLength={500}
            value={reason}
            error={reasonError}
            onChange={(event) => setReason(event.currentTarget.value)}
          />
          {request.isError && !reasonError && (
            <Alert color="red" title={describeError(request.error).title}>
              {describeError(request.error).message}
            </Alert>
          )}
          <Group>
            <Button type="submit" color="red.9" loading={request.isPending}>
              Open the record in an emergency
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
