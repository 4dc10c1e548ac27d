import { useState, type FormEvent } from 'react';
import {
  Anchor,
  Badge,
  Button,
  Group,
  NativeSelect,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  UnstyledButton,
} from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { auditActions, auditSearchResultSchema } from '@openvisit/contracts';
import { apiGet } from '../api/client';
import { membersQuery } from '../admin/people-page';
import { patientsQuery } from '../care/care-queries';
import { useAdminClinicId } from '../auth/clinic-of';
import { DateTime, viewerTimeZone } from '../shell/format-time';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';
import { actionLabels, label, recordKindLabels, roleLabels } from './audit-labels';

type Sort = 'time' | 'action' | 'actor' | 'patient';
interface Filters {
  userId: string;
  patientId: string;
  action: string;
  from: string;
  to: string;
}
const noFilters: Filters = { userId: '', patientId: '', action: '', from: '', to: '' };
const PAGE = 50;

/** Filters as query parameters; local date-times become UTC instants. */
function queryString(filters: Filters, extra: Record<string, string>) {
  const params = new URLSearchParams();
  if (filters.userId.trim()) params.set('userId', filters.userId.trim());
  if (filters.patientId.trim()) params.set('patientId', filters.patientId.trim());
  if (filters.action) params.set('action', filters.action);
  for (const key of ['from', 'to'] as const) {
    const when = filters[key] ? new Date(filters[key]) : undefined;
    if (when && !Number.isNaN(when.getTime())) params.set(key, when.toISOString());
  }
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  return params.toString();
}

export function AuditSearchPage() {
  const clinicId = useAdminClinicId();
  return (
    <Stack gap="lg" maw={1200}>
      <PageTitle title="Audit trail" />
      <Title order={1}>Audit trail</Title>
      <Text>
        Every access to patient records at your clinic, every change of access and every sign-in of
        its people. Entries cannot be changed or deleted. Times are in your time zone (
        {viewerTimeZone}).
      </Text>
      {clinicId ? (
        <AuditSearch clinicId={clinicId} />
      ) : (
        <Text>Only clinic admins read the trail.</Text>
      )}
    </Stack>
  );
}

function AuditSearch({ clinicId }: { clinicId: string }) {
  const [draft, setDraft] = useState<Filters>(noFilters);
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [sort, setSort] = useState<{ by: Sort; order: 'asc' | 'desc' }>({
    by: 'time',
    order: 'desc',
  });
  const [offset, setOffset] = useState(0);
  const base = `/api/clinics/${encodeURIComponent(clinicId)}/audit-events`;
  const members = useQuery(membersQuery(clinicId));
  const patients = useQuery(patientsQuery(clinicId));
  const search = useQuery({
    queryKey: ['clinics', clinicId, 'audit', filters, sort, offset],
    queryFn: ({ signal }) =>
      apiGet(
        `${base}?${queryString(filters, { sort: sort.by, order: sort.order, limit: String(PAGE), offset: String(offset) })}`,
        auditSearchResultSchema,
        { signal },
      ),
    placeholderData: keepPreviousData,
    staleTime: 0,
  });

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setOffset(0);
    setFilters(draft);
  }
  function sortBy(by: Sort) {
    setOffset(0);
    setSort((current) =>
      current.by === by
        ? { by, order: current.order === 'asc' ? 'desc' : 'asc' }
        : { by, order: by === 'time' ? 'desc' : 'asc' },
    );
  }
  const set = (name: keyof Filters) => ({
    value: draft[name],
    onChange: (event: { currentTarget: { value: string } }) =>
      setDraft({ ...draft, [name]: event.currentTarget.value }),
  });
  const exportHref = (format: 'csv' | 'fhir') =>
    `${base}/export?${queryString(filters, { format, sort: sort.by, order: sort.order })}`;
  const total = search.data?.total ?? 0;

  const header = (by: Sort, text: string) => (
    <Table.Th
      scope="col"
      aria-sort={sort.by === by ? (sort.order === 'asc' ? 'ascending' : 'descending') : 'none'}
    >
      <UnstyledButton onClick={() => sortBy(by)} fw={700} td="underline">
        {text}
        {sort.by === by ? (sort.order === 'asc' ? ' ▲' : ' ▼') : ''}
      </UnstyledButton>
    </Table.Th>
  );

  return (
    <>
      <form onSubmit={apply} aria-label="Filter the audit trail">
        <Group align="flex-end" gap="sm">
          <NativeSelect
            label="Person"
            data={[
              { value: '', label: 'Anyone' },
              ...(members.data?.members ?? []).map((m) => ({ value: m.id, label: m.displayName })),
            ]}
            {...set('userId')}
          />
          <NativeSelect
            label="Patient"
            data={[
              { value: '', label: 'Any patient' },
              ...(patients.data?.patients ?? []).map((p) => ({
                value: p.id,
                label: p.displayName,
              })),
            ]}
            {...set('patientId')}
          />
          <NativeSelect
            label="Action"
            data={[
              { value: '', label: 'Any action' },
              ...auditActions.map((a) => ({ value: a, label: actionLabels[a] ?? a })),
            ]}
            {...set('action')}
          />
          <TextInput label="From" type="datetime-local" {...set('from')} />
          <TextInput label="To" type="datetime-local" {...set('to')} />
          <Button type="submit">Search</Button>
          <Button
            variant="default"
            onClick={() => {
              setDraft(noFilters);
              setFilters(noFilters);
              setOffset(0);
            }}
          >
            Clear
          </Button>
        </Group>
      </form>
      <Group gap="md">
        <Anchor href={exportHref('csv')} download>
          Export as CSV
        </Anchor>
        <Anchor href={exportHref('fhir')} download>
          Export as FHIR AuditEvent (NDJSON)
        </Anchor>
        <Text size="sm">Exports are recorded in the trail too.</Text>
      </Group>
      <QueryStatus query={search} loadingLabel="Searching the audit trail…" />
      {search.data && (
        <>
          <Text role="status">
            {total === 0
              ? 'No matching entries.'
              : `Entries ${offset + 1}–${Math.min(offset + PAGE, total)} of ${total}.`}
          </Text>
          {total > 0 && (
            <Table.ScrollContainer minWidth={1000}>
              <Table verticalSpacing="xs" striped>
                <Table.Caption>Audit entries</Table.Caption>
                <Table.Thead>
                  <Table.Tr>
                    {header('time', 'When')}
                    {header('actor', 'Who')}
                    {header('action', 'Action')}
                    <Table.Th scope="col">Record</Table.Th>
                    {header('patient', 'Patient')}
                    <Table.Th scope="col">Outcome</Table.Th>
                    <Table.Th scope="col">From</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {search.data.events.map((e) => (
                    <Table.Tr key={e.seq}>
                      <Table.Td>
                        <DateTime iso={e.at} />
                      </Table.Td>
                      <Table.Td>
                        {e.actorName ?? 'Anonymous'}
                        {e.actorRole && <Text size="sm">{label(roleLabels, e.actorRole)}</Text>}
                      </Table.Td>
                      <Table.Td>
                        {label(actionLabels, e.action)}
                        {e.basis === 'break-glass' && (
                          <Badge ml="xs" color="red.9" radius="sm" tt="none">
                            Emergency
                          </Badge>
                        )}
                      </Table.Td>
                      <Table.Td>{label(recordKindLabels, e.resourceType)}</Table.Td>
                      <Table.Td>{e.patientName ?? '—'}</Table.Td>
                      <Table.Td>
                        <Badge
                          color={e.outcome === 'allowed' ? 'teal.9' : 'red.9'}
                          radius="sm"
                          tt="none"
                        >
                          {e.outcome === 'allowed'
                            ? 'Allowed'
                            : e.outcome === 'denied'
                              ? 'Refused'
                              : 'Failed'}
                        </Badge>
                      </Table.Td>
                      <Table.Td>{e.clientIp ?? '—'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          <Group>
            <Button
              variant="default"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PAGE))}
            >
              Newer page
            </Button>
            <Button
              variant="default"
              disabled={offset + PAGE >= total}
              onClick={() => setOffset(offset + PAGE)}
            >
              Next page
            </Button>
          </Group>
        </>
      )}
    </>
  );
}
