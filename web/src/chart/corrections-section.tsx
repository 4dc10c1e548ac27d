import { useState, type FormEvent } from 'react';
import {
  Alert,
  Badge,
  Button,
  Group,
  NativeSelect,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  clinicalCorrectionSections,
  correctionRequestSchema,
  correctionSections,
  type CorrectionRequest,
} from '@openvisit/contracts';
import { ApiProblem, apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import { bodyFieldErrors } from '../api/field-errors';
import { patientPath } from '../care/care-queries';
import { useDraft } from '../shell/drafts';
import { DateTime } from '../shell/format-time';
import { SuccessNotice } from '../shell/live-region';
import { QueryStatus } from '../shell/query-status';
import { correctionsQuery } from './chart-queries';
import { sectionLabels } from './chart-labels';

const statusColors = { pending: 'orange.9', accepted: 'teal.9', denied: 'red.9' } as const;

/** A patient's correction requests; the patient asks here, staff decide (HIPAA 164.526). */
export function CorrectionsSection({
  clinicId,
  patientId,
  audience,
}: {
  clinicId: string;
  patientId: string;
  audience: 'patient' | 'staff' | 'provider';
}) {
  const requests = useQuery(correctionsQuery(clinicId, patientId));
  return (
    <Stack gap="md" component="section" aria-labelledby="corrections-heading">
      <Title order={2} id="corrections-heading">
        Correction requests
      </Title>
      {audience === 'patient' && (
        <Text>
          If something in your record is wrong or incomplete, ask your clinic to correct it. The
          clinic answers in writing, usually within 60 days.
        </Text>
      )}
      <QueryStatus query={requests} loadingLabel="Loading correction requests…" />
      {requests.data && (
        <CorrectionTable
          requests={requests.data.requests}
          clinicId={clinicId}
          // Staff decide about who the patient is; the patient's providers about their health.
          decides={(r) =>
            audience === 'staff'
              ? !clinicalCorrectionSections.includes(r.section)
              : audience === 'provider' && clinicalCorrectionSections.includes(r.section)
          }
        />
      )}
      {audience === 'patient' && <RequestCorrection clinicId={clinicId} patientId={patientId} />}
    </Stack>
  );
}

export function CorrectionTable({
  requests,
  clinicId,
  decides,
  showPatient = false,
}: {
  requests: CorrectionRequest[];
  clinicId: string;
  decides: (request: CorrectionRequest) => boolean;
  showPatient?: boolean;
}) {
  if (requests.length === 0) return <Text>No correction requests.</Text>;
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="sm" striped>
        <Table.Caption>Correction requests</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Asked</Table.Th>
            {showPatient && <Table.Th scope="col">Patient</Table.Th>}
            <Table.Th scope="col">Part of the record</Table.Th>
            <Table.Th scope="col">Requested change</Table.Th>
            <Table.Th scope="col">Outcome</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {requests.map((r) => (
            <Table.Tr key={r.id}>
              <Table.Td>
                <DateTime iso={r.createdAt} />
              </Table.Td>
              {showPatient && <Table.Td>{r.patientName}</Table.Td>}
              <Table.Td>{sectionLabels[r.section]}</Table.Td>
              <Table.Td style={{ whiteSpace: 'pre-wrap' }}>{r.requestedChange}</Table.Td>
              <Table.Td>
                <Stack gap={4}>
                  <Badge color={statusColors[r.status]}>{r.status}</Badge>
                  {r.decisionReason && (
                    <Text size="sm">
                      {r.decidedBy}, <DateTime iso={r.decidedAt!} />: {r.decisionReason}
                    </Text>
                  )}
                  {decides(r) && r.status === 'pending' && (
                    <Decide request={r} clinicId={clinicId} />
                  )}
                </Stack>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function Decide({ request, clinicId }: { request: CorrectionRequest; clinicId: string }) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const decide = useMutation({
    mutationFn: (decision: 'accepted' | 'denied') =>
      apiSend(
        'POST',
        `${patientPath(clinicId, request.patientId)}/corrections/${request.id}/decision`,
        { decision, reason },
        correctionRequestSchema,
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['clinics', clinicId] }),
  });
  const errors = decide.error instanceof ApiProblem ? bodyFieldErrors(decide.error) : {};
  return (
    <Stack gap={4}>
      <Textarea
        label="Reason (the patient reads it)"
        description="When accepting, make the change in the chart and say what changed."
        minRows={2}
        value={reason}
        error={errors.reason}
        onChange={(event) => setReason(event.currentTarget.value)}
      />
      <Group gap="xs">
        <Button
          size="xs"
          color="teal.9"
          loading={decide.isPending && decide.variables === 'accepted'}
          onClick={() => decide.mutate('accepted')}
        >
          Accept
        </Button>
        <Button
          size="xs"
          color="red.9"
          variant="outline"
          loading={decide.isPending && decide.variables === 'denied'}
          onClick={() => decide.mutate('denied')}
        >
          Deny
        </Button>
      </Group>
      {decide.isError && Object.keys(errors).length === 0 && (
        <Alert color="red" title={describeError(decide.error).title}>
          {describeError(decide.error).message}
        </Alert>
      )}
    </Stack>
  );
}

function RequestCorrection({ clinicId, patientId }: { clinicId: string; patientId: string }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useDraft(`correction:${clinicId}:${patientId}`, {
    section: 'profile',
    requestedChange: '',
  });
  const [notice, setNotice] = useState('');
  const send = useMutation({
    mutationFn: () =>
      apiSend(
        'POST',
        `${patientPath(clinicId, patientId)}/corrections`,
        form,
        correctionRequestSchema,
      ),
    onSuccess: () => {
      setForm({ section: 'profile', requestedChange: '' });
      setNotice('Your request was sent. The clinic will answer here.');
      void queryClient.invalidateQueries({
        queryKey: correctionsQuery(clinicId, patientId).queryKey,
      });
    },
  });
  const errors = send.error instanceof ApiProblem ? bodyFieldErrors(send.error) : {};
  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setNotice('');
    send.mutate();
  }
  return (
    <form onSubmit={handleSubmit} noValidate aria-labelledby="request-correction-heading">
      <Stack gap="sm" maw={560}>
        <Title order={3} id="request-correction-heading">
          Ask for a correction
        </Title>
        <SuccessNotice message={notice} />
        <NativeSelect
          label="Which part of your record?"
          data={correctionSections.map((s) => ({ value: s, label: sectionLabels[s] ?? s }))}
          value={form.section}
          onChange={(event) => setForm({ ...form, section: event.currentTarget.value })}
        />
        <Textarea
          label="What is wrong, and what should it say?"
          required
          minRows={3}
          maxLength={2000}
          value={form.requestedChange}
          error={errors.requestedChange}
          onChange={(event) => setForm({ ...form, requestedChange: event.currentTarget.value })}
        />
        {send.isError && Object.keys(errors).length === 0 && (
          <Alert color="red" title={describeError(send.error).title}>
            {describeError(send.error).message}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={send.isPending}>
            Send request
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
