import type { ReactNode } from 'react';
import { Alert, Badge, DataList, Group, Loader, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { DependencyCheck, Readiness, ServerInfo } from '@openvisit/contracts';
import { describeError } from '../api/describe-error';
import { PageTitle } from '../shell/page-title';
import { readinessPollMs, readinessQuery, serverInfoQuery } from './status-queries';

// `undefined` locale and no timeZone: the viewer's own locale and local time zone.
const checkedAtFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'long',
});
const latencyFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

const databaseLabels: Record<ServerInfo['database'], string> = {
  embedded: 'Embedded (PGlite, single instance)',
  postgresql: 'PostgreSQL',
};

export function StatusPage() {
  return (
    <Stack gap="xl" maw={880}>
      <PageTitle title="System status" />
      <Stack gap="xs">
        <Title order={1}>System status</Title>
        <Text>
          Whether this OpenVisit server and the services it depends on can take requests. Checked
          every {readinessPollMs / 1000} seconds while this page is open.
        </Text>
      </Stack>
      <ReadinessSection />
      <ServerInfoSection />
    </Stack>
  );
}

function ReadinessSection() {
  const readiness = useQuery(readinessQuery);
  const lastCheckedAt = Math.max(readiness.dataUpdatedAt, readiness.errorUpdatedAt);

  let body: ReactNode;
  if (readiness.isPending) {
    body = <LoadingLine label="Checking the server…" />;
  } else if (readiness.isError) {
    const { title, message } = describeError(readiness.error);
    body = (
      <>
        <OverallStatus ready={false} lastCheckedAt={lastCheckedAt} />
        <Alert color="red" title={title}>
          {message}
        </Alert>
      </>
    );
  } else {
    body = (
      <>
        <OverallStatus ready={readiness.data.status === 'ready'} lastCheckedAt={lastCheckedAt} />
        <ChecksTable readiness={readiness.data} />
      </>
    );
  }

  return (
    <Stack component="section" gap="md" aria-labelledby="readiness-heading">
      <Title order={2} id="readiness-heading">
        Readiness
      </Title>
      {body}
    </Stack>
  );
}

function OverallStatus({ ready, lastCheckedAt }: { ready: boolean; lastCheckedAt: number }) {
  return (
    <Group gap="md" align="center">
      {/* Only the badge is live: announcing the clock every 5 s would drown everything else. */}
      <div aria-live="polite">
        <Badge
          data-testid="readiness-status"
          size="xl"
          radius="sm"
          tt="none"
          color={ready ? 'teal.9' : 'red.9'}
        >
          {ready ? 'Ready' : 'Not ready'}
        </Badge>
      </div>
      {lastCheckedAt > 0 && (
        <Text size="sm" c="dimmed">
          Last checked{' '}
          <time dateTime={new Date(lastCheckedAt).toISOString()}>
            {checkedAtFormat.format(lastCheckedAt)}
          </time>
        </Text>
      )}
    </Group>
  );
}

function ChecksTable({ readiness }: { readiness: Readiness }) {
  const checks = Object.entries(readiness.checks).sort(([a], [b]) => a.localeCompare(b));
  if (checks.length === 0) {
    return <Text>The server reported no dependency checks.</Text>;
  }
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table withTableBorder striped verticalSpacing="sm" captionSide="top">
        <Table.Caption>Dependency checks from the last poll</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Dependency</Table.Th>
            <Table.Th scope="col">Status</Table.Th>
            <Table.Th scope="col">Latency (ms)</Table.Th>
            <Table.Th scope="col">Error</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {checks.map(([name, check]) => (
            <CheckRow key={name} name={name} check={check} />
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function CheckRow({ name, check }: { name: string; check: DependencyCheck }) {
  const up = check.status === 'up';
  return (
    <Table.Tr>
      <Table.Th scope="row" fw={600}>
        {name}
      </Table.Th>
      <Table.Td>
        <Badge variant="outline" color={up ? 'teal.9' : 'red.9'} radius="sm" tt="none">
          {up ? 'Up' : 'Down'}
        </Badge>
      </Table.Td>
      <Table.Td>{latencyFormat.format(check.latencyMs)}</Table.Td>
      <Table.Td>{check.error ?? 'None'}</Table.Td>
    </Table.Tr>
  );
}

function ServerInfoSection() {
  const info = useQuery(serverInfoQuery);

  let body: ReactNode;
  if (info.isPending) {
    body = <LoadingLine label="Loading server details…" />;
  } else if (info.isError) {
    const { title, message } = describeError(info.error);
    body = (
      <Alert color="red" title={title}>
        {message}
      </Alert>
    );
  } else {
    body = <ServerDetails info={info.data} />;
  }

  return (
    <Stack component="section" gap="md" aria-labelledby="server-heading">
      <Title order={2} id="server-heading">
        Server
      </Title>
      {body}
    </Stack>
  );
}

function ServerDetails({ info }: { info: ServerInfo }) {
  return (
    <Stack gap="sm">
      {info.demo && (
        <Group>
          <Badge color="grape.9" radius="sm" size="lg" tt="none">
            Demo mode
          </Badge>
          <Text size="sm">
            This server runs a demo clinic. Do not enter real patient information here.
          </Text>
        </Group>
      )}
      <DataList size="md" labelWidth="8rem">
        <DataList.Item>
          <DataList.ItemLabel>Name</DataList.ItemLabel>
          <DataList.ItemValue>{info.name}</DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Version</DataList.ItemLabel>
          <DataList.ItemValue>{info.version}</DataList.ItemValue>
        </DataList.Item>
        <DataList.Item>
          <DataList.ItemLabel>Database</DataList.ItemLabel>
          <DataList.ItemValue>{databaseLabels[info.database]}</DataList.ItemValue>
        </DataList.Item>
      </DataList>
    </Stack>
  );
}

function LoadingLine({ label }: { label: string }) {
  return (
    <Group gap="sm" role="status">
      <Loader size="sm" aria-hidden />
      <Text>{label}</Text>
    </Group>
  );
}
