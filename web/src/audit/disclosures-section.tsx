import { useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Group,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiProblem, apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import { bodyFieldErrors } from '../api/field-errors';
import { patientPath } from '../care/care-queries';
import { SuccessNotice } from '../shell/live-region';
import { QueryStatus } from '../shell/query-status';
import { DateTime } from '../shell/format-time';
import { disclosuresQuery } from './audit-queries';

/** Staff record disclosures outside treatment, payment and operations (HIPAA 164.528). */
export function DisclosuresSection({
  clinicId,
  patientId,
  audience,
}: {
  clinicId: string;
  patientId: string;
  /** Staff see the register with its form; the patient sees their own register. */
  audience: 'patient' | 'staff' | 'provider';
}) {
  const disclosures = useQuery(disclosuresQuery(clinicId, patientId));
  return (
    <Stack gap="sm" component="section" aria-labelledby="disclosures-heading">
      <Title order={2} id="disclosures-heading">
        Disclosures
      </Title>
      <Text>
        {audience === 'patient'
          ? 'When your clinic shares your information for reasons other than your care, payment or its operations (for example, reports required by law), it is listed here.'
          : 'Information shared outside treatment, payment and operations (reports required by law, requests from courts or researchers). The patient sees this list.'}
      </Text>
      <QueryStatus query={disclosures} loadingLabel="Loading disclosures…" />
      {disclosures.data && <DisclosureList disclosures={disclosures.data.disclosures} />}
      {audience === 'staff' && <RecordDisclosure clinicId={clinicId} patientId={patientId} />}
    </Stack>
  );
}

const empty = {
  disclosedAt: '',
  recipient: '',
  recipientAddress: '',
  description: '',
  purpose: '',
};

function RecordDisclosure({ clinicId, patientId }: { clinicId: string; patientId: string }) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState(empty);
  const [notice, setNotice] = useState('');
  const record = useMutation({
    mutationFn: (body: object) =>
      apiSend('POST', `${patientPath(clinicId, patientId)}/disclosures`, body),
    onSuccess: () => {
      setNotice('Disclosure recorded.');
      setForm(empty);
      void queryClient.invalidateQueries({
        queryKey: disclosuresQuery(clinicId, patientId).queryKey,
      });
    },
  });
  const errors = record.error instanceof ApiProblem ? bodyFieldErrors(record.error) : {};
  const field = (name: keyof typeof empty) => ({
    value: form[name],
    error: errors[name],
    onChange: (event: { currentTarget: { value: string } }) =>
      setForm({ ...form, [name]: event.currentTarget.value }),
  });

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setNotice('');
    // datetime-local is the viewer's local time; the server stores the instant in UTC.
    const when = form.disclosedAt ? new Date(form.disclosedAt) : undefined;
    record.mutate({
      disclosedAt: when && !Number.isNaN(when.getTime()) ? when.toISOString() : form.disclosedAt,
      recipient: form.recipient,
      ...(form.recipientAddress.trim() ? { recipientAddress: form.recipientAddress } : {}),
      description: form.description,
      purpose: form.purpose,
    });
  }

  return (
    <form onSubmit={handleSubmit} noValidate aria-labelledby="record-disclosure-heading">
      <Stack gap="sm" maw={560}>
        <Title order={3} id="record-disclosure-heading">
          Record a disclosure
        </Title>
        <SuccessNotice message={notice} />
        <TextInput
          label="Date and time of the disclosure"
          type="datetime-local"
          required
          {...field('disclosedAt')}
        />
        <TextInput label="Disclosed to" required {...field('recipient')} />
        <TextInput label="Recipient's address (if known)" {...field('recipientAddress')} />
        <Textarea label="What was disclosed" required minRows={2} {...field('description')} />
        <Textarea label="Purpose" required minRows={2} {...field('purpose')} />
        {record.isError && Object.keys(errors).length === 0 && (
          <Alert color="red" title={describeError(record.error).title}>
            {describeError(record.error).message}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={record.isPending}>
            Record disclosure
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function DisclosureList({
  disclosures,
}: {
  disclosures: {
    id: string;
    disclosedAt: string;
    recipient: string;
    recipientAddress: string | null;
    description: string;
    purpose: string;
    recordedByName: string;
  }[];
}) {
  if (disclosures.length === 0) return <Text>No disclosures recorded.</Text>;
  return (
    <Table.ScrollContainer minWidth={640}>
      <Table verticalSpacing="xs" striped>
        <Table.Caption>Disclosures, newest first</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Date</Table.Th>
            <Table.Th scope="col">To</Table.Th>
            <Table.Th scope="col">What</Table.Th>
            <Table.Th scope="col">Why</Table.Th>
            <Table.Th scope="col">Recorded by</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {disclosures.map((d) => (
            <Table.Tr key={d.id}>
              <Table.Td>
                <DateTime iso={d.disclosedAt} />
              </Table.Td>
              <Table.Td>
                {d.recipient}
                {d.recipientAddress && <Text size="sm">{d.recipientAddress}</Text>}
              </Table.Td>
              <Table.Td>{d.description}</Table.Td>
              <Table.Td>{d.purpose}</Table.Td>
              <Table.Td>{d.recordedByName}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
