import { useState, type FormEvent } from 'react';
import {
  Alert,
  Autocomplete,
  Badge,
  Button,
  Group,
  List,
  NativeSelect,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  allergySeverities,
  healthItemKinds,
  healthItemSchema,
  type HealthItem,
} from '@openvisit/contracts';
import { ApiProblem, apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import { bodyFieldErrors } from '../api/field-errors';
import { patientPath } from '../care/care-queries';
import { useDraft } from '../shell/drafts';
import { SuccessNotice } from '../shell/live-region';
import { QueryStatus } from '../shell/query-status';
import { healthQuery } from './chart-queries';
import { healthStatusLabels, kindLabels } from './chart-labels';
import { codeSystemNames, commonCodes } from './common-codes';
import { VersionHistoryButton } from './version-history';

type Kind = (typeof healthItemKinds)[number];

/** Allergies, medications and conditions, each list with its add form. */
export function HealthHistorySection({
  clinicId,
  patientId,
  own,
}: {
  clinicId: string;
  patientId: string;
  own: boolean;
}) {
  const items = useQuery(healthQuery(clinicId, patientId));
  const [notice, setNotice] = useState('');
  return (
    <Stack gap="lg" component="section" aria-labelledby="health-heading">
      <Title order={2} id="health-heading">
        Health history
      </Title>
      <SuccessNotice message={notice} />
      <QueryStatus query={items} loadingLabel="Loading the health history…" />
      {items.data &&
        healthItemKinds.map((kind) => (
          <KindList
            key={kind}
            kind={kind}
            items={items.data.items.filter((i) => i.kind === kind)}
            clinicId={clinicId}
            patientId={patientId}
            own={own}
            onChanged={setNotice}
          />
        ))}
    </Stack>
  );
}

function KindList(props: {
  kind: Kind;
  items: HealthItem[];
  clinicId: string;
  patientId: string;
  own: boolean;
  onChanged: (notice: string) => void;
}) {
  const { kind, items, clinicId, patientId } = props;
  const queryClient = useQueryClient();
  const label = kindLabels[kind];
  const headingId = `health-${kind}-heading`;
  const change = useMutation({
    mutationFn: ({ item, status }: { item: HealthItem; status: HealthItem['status'] }) =>
      apiSend(
        'PUT',
        `${patientPath(clinicId, patientId)}/health-items/${item.id}`,
        {
          display: item.display,
          codeSystem: item.codeSystem,
          code: item.code,
          detail: item.detail,
          severity: item.severity,
          onsetDate: item.onsetDate,
          status,
          expectedVersion: item.version,
        },
        healthItemSchema,
      ),
    onSuccess: (item) => {
      props.onChanged(`${item.display}: ${healthStatusLabels[item.status]}.`);
      void queryClient.invalidateQueries({ queryKey: healthQuery(clinicId, patientId).queryKey });
    },
  });
  return (
    <Stack gap="xs" component="section" aria-labelledby={headingId}>
      <Title order={3} id={headingId}>
        {label.plural}
      </Title>
      {items.length === 0 ? (
        <Text>No {label.plural.toLowerCase()} recorded.</Text>
      ) : (
        <List spacing="xs" listStyleType="none" aria-labelledby={headingId}>
          {items.map((item) => (
            <List.Item key={item.id}>
              <Group gap="xs" wrap="wrap">
                <Text fw={600} span td={item.status === 'active' ? undefined : 'line-through'}>
                  {item.display}
                </Text>
                {item.severity && <Badge color="red.9">{item.severity}</Badge>}
                {item.status !== 'active' && (
                  <Badge color="gray.8">{healthStatusLabels[item.status]}</Badge>
                )}
                {item.code && item.codeSystem && (
                  <Text span size="sm" c="dimmed">
                    {codeSystemNames[item.codeSystem] ?? 'Code'} {item.code}
                  </Text>
                )}
                <Text span size="sm" c="dimmed">
                  {item.reportedBy.self
                    ? 'Patient-reported'
                    : `Recorded by ${item.reportedBy.displayName}`}
                </Text>
              </Group>
              {(item.detail || item.onsetDate) && (
                <Text size="sm">
                  {item.detail}
                  {item.detail && item.onsetDate ? ' · ' : ''}
                  {item.onsetDate ? `since ${item.onsetDate}` : ''}
                </Text>
              )}
              <Group gap="xs">
                {item.status === 'active' && (
                  <Button
                    size="xs"
                    variant="outline"
                    aria-label={`${item.display}: no longer applies`}
                    loading={change.isPending && change.variables.item.id === item.id}
                    onClick={() => change.mutate({ item, status: 'inactive' })}
                  >
                    No longer applies
                  </Button>
                )}
                {item.status !== 'entered-in-error' && (
                  <Button
                    size="xs"
                    variant="outline"
                    color="red.9"
                    aria-label={`${item.display}: entered in error`}
                    onClick={() => change.mutate({ item, status: 'entered-in-error' })}
                  >
                    Entered in error
                  </Button>
                )}
                <VersionHistoryButton
                  clinicId={clinicId}
                  patientId={patientId}
                  path={`/health-items/${item.id}`}
                  subject={item.display}
                />
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
      <AddItem {...props} />
    </Stack>
  );
}

const emptyItem = { display: '', detail: '', severity: '', onsetDate: '' };

function AddItem(props: {
  kind: Kind;
  clinicId: string;
  patientId: string;
  onChanged: (notice: string) => void;
}) {
  const { kind, clinicId, patientId } = props;
  const queryClient = useQueryClient();
  const [form, setForm] = useDraft(`health:${clinicId}:${patientId}:${kind}`, emptyItem);
  const suggestions = commonCodes[kind];
  const add = useMutation({
    mutationFn: (body: object) =>
      apiSend('POST', `${patientPath(clinicId, patientId)}/health-items`, body, healthItemSchema),
    onSuccess: (item) => {
      setForm(emptyItem);
      props.onChanged(`${item.display} added to ${kindLabels[kind].plural.toLowerCase()}.`);
      void queryClient.invalidateQueries({ queryKey: healthQuery(clinicId, patientId).queryKey });
    },
  });
  const errors = add.error instanceof ApiProblem ? bodyFieldErrors(add.error) : {};
  const field = (name: keyof typeof emptyItem) => ({
    value: form[name],
    error: errors[name],
    onChange: (event: { currentTarget: { value: string } }) =>
      setForm({ ...form, [name]: event.currentTarget.value }),
  });

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // A name picked from the list carries its code; anything typed is free text.
    const coded = suggestions.find(
      (s) => s.display.toLowerCase() === form.display.trim().toLowerCase(),
    );
    add.mutate({
      kind,
      display: form.display,
      codeSystem: coded?.codeSystem ?? null,
      code: coded?.code ?? null,
      detail: form.detail || null,
      severity: kind === 'allergy' && form.severity ? form.severity : null,
      onsetDate: form.onsetDate || null,
    });
  }

  const formId = `add-${kind}`;
  return (
    <form onSubmit={handleSubmit} noValidate aria-label={`Add ${kindLabels[kind].one}`}>
      <Group align="flex-end" gap="sm" wrap="wrap">
        <Autocomplete
          id={`${formId}-name`}
          label={kindLabels[kind].name}
          required
          data={suggestions.map((s) => s.display)}
          value={form.display}
          error={errors.display}
          onChange={(value) => setForm({ ...form, display: value })}
          w={260}
        />
        <TextInput
          label={kind === 'allergy' ? 'Reaction' : kind === 'medication' ? 'How often' : 'Notes'}
          w={220}
          {...field('detail')}
        />
        {kind === 'allergy' && (
          <NativeSelect
            label="Severity"
            data={[
              { value: '', label: 'Not sure' },
              ...allergySeverities.map((s) => ({ value: s, label: s })),
            ]}
            {...field('severity')}
          />
        )}
        <TextInput label="Since" type="date" {...field('onsetDate')} />
        <Button type="submit" loading={add.isPending}>
          Add {kindLabels[kind].one}
        </Button>
      </Group>
      {add.isError && Object.keys(errors).length === 0 && (
        <Alert color="red" title={describeError(add.error).title} mt="xs">
          {describeError(add.error).message}
        </Alert>
      )}
    </form>
  );
}
