import { useState } from 'react';
import { Alert, Badge, Button, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { BreakGlassList } from '@openvisit/contracts';
import { apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import { useAdminClinicId } from '../auth/clinic-of';
import { breakGlassPath, breakGlassQuery } from '../care/care-queries';
import { DateTime, viewerTimeZone } from '../shell/format-time';
import { SuccessNotice } from '../shell/live-region';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';

type Grant = BreakGlassList['grants'][number];

export function EmergencyAccessPage() {
  const clinicId = useAdminClinicId();
  return (
    <Stack gap="lg" maw={1100}>
      <PageTitle title="Emergency access" />
      <Title order={1}>Emergency access</Title>
      <Text>
        Each time a provider opened the record of a patient they do not care for (break-glass
        access, one hour at a time), with the reason they gave. Review each one and follow up where
        the reason does not hold. Times are in your time zone ({viewerTimeZone}).
      </Text>
      {clinicId ? (
        <GrantReview clinicId={clinicId} />
      ) : (
        <Text>Only clinic admins review emergency access.</Text>
      )}
    </Stack>
  );
}

function GrantReview({ clinicId }: { clinicId: string }) {
  const grants = useQuery(breakGlassQuery(clinicId));
  const queryClient = useQueryClient();
  const [notice, setNotice] = useState('');
  const review = useMutation({
    mutationFn: (grant: Grant) =>
      apiSend('POST', `${breakGlassPath(clinicId)}/${encodeURIComponent(grant.id)}/review`),
    onSuccess: (_result, grant) => {
      setNotice(`Marked reviewed: ${grant.providerName}'s access to ${grant.patientName}.`);
      void queryClient.invalidateQueries({ queryKey: breakGlassQuery(clinicId).queryKey });
    },
  });
  return (
    <>
      <SuccessNotice message={notice} />
      {review.isError && (
        <Alert color="red" title={describeError(review.error).title}>
          {describeError(review.error).message}
        </Alert>
      )}
      <QueryStatus query={grants} loadingLabel="Loading emergency accesses…" />
      {grants.data?.grants.length === 0 && <Text>No emergency access has been used.</Text>}
      {grants.data && grants.data.grants.length > 0 && (
        <Table.ScrollContainer minWidth={900}>
          <Table verticalSpacing="sm" striped>
            <Table.Caption>Emergency accesses, newest first</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Opened</Table.Th>
                <Table.Th scope="col">Provider</Table.Th>
                <Table.Th scope="col">Patient</Table.Th>
                <Table.Th scope="col">Reason</Table.Th>
                <Table.Th scope="col">Review</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {grants.data.grants.map((grant) => {
                const rowId = `grant-${grant.id}`;
                return (
                  <Table.Tr key={grant.id}>
                    <Table.Th scope="row" id={rowId} fw={400}>
                      <DateTime iso={grant.createdAt} />
                    </Table.Th>
                    <Table.Td>{grant.providerName}</Table.Td>
                    <Table.Td>{grant.patientName}</Table.Td>
                    <Table.Td>{grant.reason}</Table.Td>
                    <Table.Td>
                      {grant.reviewedAt ? (
                        <Badge color="teal.9" radius="sm" tt="none">
                          Reviewed
                        </Badge>
                      ) : (
                        <Button
                          size="xs"
                          variant="outline"
                          aria-label={`Mark reviewed: ${grant.providerName}, ${grant.patientName}`}
                          loading={review.isPending && review.variables.id === grant.id}
                          onClick={() => review.mutate(grant)}
                        >
                          Mark reviewed
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </>
  );
}
