import { useState, type FormEvent } from 'react';
import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  NativeSelect,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  insurancePolicySchema,
  subscriberRelationships,
  type InsurancePolicy,
} from '@openvisit/contracts';
import { ApiProblem, apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import { bodyFieldErrors } from '../api/field-errors';
import { patientPath } from '../care/care-queries';
import { useDraft } from '../shell/drafts';
import { SuccessNotice } from '../shell/live-region';
import { QueryStatus } from '../shell/query-status';
import { CardPhotoInput } from './card-photo-input';
import { insuranceQuery } from './chart-queries';
import { relationshipLabels } from './chart-labels';
import { VersionHistoryButton } from './version-history';

const emptyPolicy = {
  rank: 'primary',
  payer: '',
  plan: '',
  memberId: '',
  groupNumber: '',
  subscriberRelationship: 'self',
  subscriberName: '',
  cardFrontDocumentId: '',
  cardBackDocumentId: '',
};
type PolicyForm = typeof emptyPolicy;

const formOf = (p: InsurancePolicy): PolicyForm => ({
  rank: p.rank,
  payer: p.payer,
  plan: p.plan ?? '',
  memberId: p.memberId,
  groupNumber: p.groupNumber ?? '',
  subscriberRelationship: p.subscriberRelationship,
  subscriberName: p.subscriberName ?? '',
  cardFrontDocumentId: p.cardFrontDocumentId ?? '',
  cardBackDocumentId: p.cardBackDocumentId ?? '',
});

const bodyOf = (form: PolicyForm) => ({
  ...form,
  plan: form.plan || null,
  groupNumber: form.groupNumber || null,
  subscriberName: form.subscriberName || null,
  cardFrontDocumentId: form.cardFrontDocumentId || null,
  cardBackDocumentId: form.cardBackDocumentId || null,
});

/** The patient's insurance. Card photos are insurance-card documents in the chart. */
export function InsuranceSection({
  clinicId,
  patientId,
  own,
}: {
  clinicId: string;
  patientId: string;
  own: boolean;
}) {
  const policies = useQuery(insuranceQuery(clinicId, patientId));
  const [editing, setEditing] = useState<InsurancePolicy | 'new' | undefined>();
  const [notice, setNotice] = useState('');
  const list = policies.data?.policies ?? [];
  return (
    <Stack gap="md" component="section" aria-labelledby="insurance-heading">
      <Title order={2} id="insurance-heading">
        Insurance
      </Title>
      <SuccessNotice message={notice} />
      <QueryStatus query={policies} loadingLabel="Loading insurance…" />
      {policies.data && list.length === 0 && (
        <Text>{own ? 'You have not added insurance yet.' : 'No insurance on file.'}</Text>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {list.map((policy) => (
          <Card
            key={policy.id}
            withBorder
            component="article"
            aria-label={`${policy.payer} (${policy.rank})`}
          >
            <Stack gap={4}>
              <Group gap="xs">
                <Text fw={600}>{policy.payer}</Text>
                <Badge color={policy.status === 'active' ? 'teal.9' : 'gray.8'}>
                  {policy.status === 'active' ? policy.rank : 'inactive'}
                </Badge>
              </Group>
              {policy.plan && <Text size="sm">Plan: {policy.plan}</Text>}
              <Text size="sm">Member ID: {policy.memberId}</Text>
              {policy.groupNumber && <Text size="sm">Group: {policy.groupNumber}</Text>}
              <Text size="sm">
                Policy holder: {relationshipLabels[policy.subscriberRelationship]}
                {policy.subscriberName ? ` (${policy.subscriberName})` : ''}
              </Text>
              <Text size="sm" c="dimmed">
                Card photo: {policy.cardFrontDocumentId ? 'on file' : 'none yet'}
              </Text>
              <Group gap="xs">
                <Button
                  size="xs"
                  variant="outline"
                  onClick={() => setEditing(policy)}
                  aria-label={`Edit ${policy.payer}`}
                >
                  Edit
                </Button>
                <VersionHistoryButton
                  clinicId={clinicId}
                  patientId={patientId}
                  path={`/insurance/${policy.id}`}
                  subject={policy.payer}
                />
              </Group>
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
      {editing ? (
        <PolicyEditor
          key={editing === 'new' ? 'new' : editing.id}
          clinicId={clinicId}
          patientId={patientId}
          policy={editing === 'new' ? undefined : editing}
          onDone={(message) => {
            setEditing(undefined);
            setNotice(message);
          }}
        />
      ) : (
        <Group>
          <Button
            variant="outline"
            onClick={() => {
              setNotice('');
              setEditing('new');
            }}
          >
            Add insurance
          </Button>
        </Group>
      )}
    </Stack>
  );
}

function PolicyEditor(props: {
  clinicId: string;
  patientId: string;
  policy: InsurancePolicy | undefined;
  onDone: (notice: string) => void;
}) {
  const { clinicId, patientId, policy } = props;
  const queryClient = useQueryClient();
  const [form, setForm] = useDraft<PolicyForm>(
    `insurance:${clinicId}:${patientId}:${policy?.id ?? 'new'}`,
    policy ? formOf(policy) : emptyPolicy,
  );
  const base = `${patientPath(clinicId, patientId)}/insurance`;
  const save = useMutation({
    mutationFn: (status: 'active' | 'inactive') =>
      policy
        ? apiSend(
            'PUT',
            `${base}/${policy.id}`,
            { ...bodyOf(form), status, expectedVersion: policy.version },
            insurancePolicySchema,
          )
        : apiSend('POST', base, bodyOf(form), insurancePolicySchema),
    onSuccess: (saved) => {
      setForm(emptyPolicy);
      void queryClient.invalidateQueries({
        queryKey: insuranceQuery(clinicId, patientId).queryKey,
      });
      props.onDone(
        saved.status === 'inactive' ? `${saved.payer} marked inactive.` : `${saved.payer} saved.`,
      );
    },
  });
  const errors = save.error instanceof ApiProblem ? bodyFieldErrors(save.error) : {};
  const field = (name: keyof PolicyForm) => ({
    value: form[name],
    error: errors[name],
    onChange: (event: { currentTarget: { value: string } }) =>
      setForm({ ...form, [name]: event.currentTarget.value }),
  });
  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    save.mutate('active');
  }
  const title = policy ? `Edit ${policy.payer}` : 'Add insurance';
  return (
    <form onSubmit={handleSubmit} noValidate aria-label={title}>
      <Stack gap="sm" maw={640}>
        <Title order={3}>{title}</Title>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="Insurance company" required {...field('payer')} />
          <TextInput label="Plan name" {...field('plan')} />
          <TextInput
            label="Member ID"
            description="Stored encrypted"
            required
            autoComplete="off"
            {...field('memberId')}
          />
          <TextInput label="Group number" autoComplete="off" {...field('groupNumber')} />
          <NativeSelect
            label="Primary or secondary"
            data={[
              { value: 'primary', label: 'Primary' },
              { value: 'secondary', label: 'Secondary' },
            ]}
            {...field('rank')}
          />
          <NativeSelect
            label="Whose policy is it?"
            data={subscriberRelationships.map((r) => ({
              value: r,
              label: relationshipLabels[r] ?? r,
            }))}
            {...field('subscriberRelationship')}
          />
          {form.subscriberRelationship !== 'self' && (
            <TextInput label="Policy holder's name" {...field('subscriberName')} />
          )}
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {(['front', 'back'] as const).map((side) => {
            const name = side === 'front' ? 'cardFrontDocumentId' : 'cardBackDocumentId';
            return (
              <CardPhotoInput
                key={side}
                clinicId={clinicId}
                patientId={patientId}
                side={side}
                documentId={form[name]}
                error={errors[name]}
                onUploaded={(documentId) => setForm({ ...form, [name]: documentId })}
              />
            );
          })}
        </SimpleGrid>
        {save.isError && Object.keys(errors).length === 0 && (
          <Alert color="red" title={describeError(save.error).title}>
            {describeError(save.error).message}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={save.isPending && save.variables === 'active'}>
            Save insurance
          </Button>
          {policy?.status === 'active' && (
            <Button
              variant="outline"
              color="red.9"
              loading={save.isPending && save.variables === 'inactive'}
              onClick={() => save.mutate('inactive')}
            >
              No longer covered
            </Button>
          )}
          <Button variant="subtle" onClick={() => props.onDone('')}>
            Cancel
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
