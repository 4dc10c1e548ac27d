import { Badge, Button, Stack, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { accessHistorySchema } from '@openvisit/contracts';
import { apiGet } from '../api/client';
import { useSession } from '../auth/session';
import { patientPath } from '../care/care-queries';
import { DateTime, viewerTimeZone } from '../shell/format-time';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';
import { actionLabels, label, recordKindLabels, roleLabels } from './audit-labels';
import { DisclosuresSection } from './disclosures-section';

/** The patient's own view of who accessed their record (HIPAA) and what was disclosed. */
export function AccessHistoryPage() {
  const sessionState = useSession();
  const own =
    sessionState.status === 'signed-in'
      ? sessionState.session.memberships.find((m) => m.role === 'patient')
      : undefined;
  const patientId = sessionState.status === 'signed-in' ? sessionState.session.user.id : '';
  return (
    <Stack gap="lg" maw={1000}>
      <PageTitle title="Access history" />
      <Title order={1}>Who accessed your record</Title>
      <Text>
        Every time someone at your clinic viewed or changed your record, newest first, and any
        disclosures of your information outside your care. Times are in your time zone (
        {viewerTimeZone}).
      </Text>
      {own ? (
        <>
          <History clinicId={own.organizationId} patientId={patientId} />
          <DisclosuresSection
            clinicId={own.organizationId}
            patientId={patientId}
            audience="patient"
          />
        </>
      ) : (
        <Text>Only patients have an access history.</Text>
      )}
    </Stack>
  );
}

function History({ clinicId, patientId }: { clinicId: string; patientId: string }) {
  const history = useInfiniteQuery({
    queryKey: ['clinics', clinicId, 'patients', patientId, 'access-history'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam, signal }) =>
      apiGet(
        `${patientPath(clinicId, patientId)}/access-history${pageParam ? `?before=${encodeURIComponent(pageParam)}` : ''}`,
        accessHistorySchema,
        { signal },
      ),
    getNextPageParam: (last) => last.nextBefore ?? undefined,
    staleTime: 0,
  });
  const entries = history.data?.pages.flatMap((page) => page.entries) ?? [];
  return (
    <Stack gap="sm" component="section" aria-labelledby="history-heading">
      <Title order={2} id="history-heading">
        Accesses
      </Title>
      <QueryStatus query={history} loadingLabel="Loading your access history…" />
      {history.data && entries.length === 0 && <Text>No one has accessed your record yet.</Text>}
      {entries.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="xs" striped>
            <Table.Caption>Accesses to your record, newest first</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">When</Table.Th>
                <Table.Th scope="col">Who</Table.Th>
                <Table.Th scope="col">Role</Table.Th>
                <Table.Th scope="col">What they did</Table.Th>
                <Table.Th scope="col">Part of your record</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {entries.map((entry, index) => (
                <Table.Tr key={`${entry.at}-${index}`}>
                  <Table.Td>
                    <DateTime iso={entry.at} />
                  </Table.Td>
                  <Table.Td>{entry.self ? 'You' : entry.actorName}</Table.Td>
                  <Table.Td>{label(roleLabels, entry.actorRole)}</Table.Td>
                  <Table.Td>
                    {label(actionLabels, entry.action)}
                    {entry.emergency && (
                      <Badge ml="xs" color="red.9" radius="sm" tt="none">
                        Emergency access
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{label(recordKindLabels, entry.recordKind)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {history.hasNextPage && (
        <div>
          <Button
            variant="default"
            loading={history.isFetchingNextPage}
            onClick={() => void history.fetchNextPage()}
          >
            Show older accesses
          </Button>
        </div>
      )}
    </Stack>
  );
}
