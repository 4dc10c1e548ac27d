import { useState } from 'react';
import { SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useWorkforceClinic } from '../auth/clinic-of';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';
import { correctionQueueQuery } from './chart-queries';
import { CorrectionTable } from './corrections-section';

/** Staff work the clinic's correction requests: oldest pending first (60-day clock). */
export function CorrectionQueuePage() {
  const clinic = useWorkforceClinic();
  const [status, setStatus] = useState('pending');
  const decides = !!clinic && (clinic.roles.has('staff') || clinic.roles.has('admin'));
  const queue = useQuery({
    ...correctionQueueQuery(clinic?.clinicId ?? '', status),
    enabled: decides,
  });
  return (
    <Stack gap="lg" maw={1100}>
      <PageTitle title="Correction requests" />
      <Title order={1}>Correction requests</Title>
      <Text>
        Patients&apos; requests to amend their records (HIPAA 164.526). Answer each within 60 days;
        a denial must say why. To accept, make the change in the patient&apos;s chart, then record
        the decision here. Requests about health history or visit records go to the patient&apos;s
        providers, who answer them on the chart.
      </Text>
      {!decides ? (
        <Text>Only the clinic&apos;s staff and admins handle correction requests.</Text>
      ) : (
        <>
          <SegmentedControl
            aria-label="Show requests"
            value={status}
            onChange={setStatus}
            data={[
              { value: 'pending', label: 'Waiting' },
              { value: 'accepted', label: 'Accepted' },
              { value: 'denied', label: 'Denied' },
            ]}
          />
          <QueryStatus query={queue} loadingLabel="Loading correction requests…" />
          {queue.data && (
            <CorrectionTable
              requests={queue.data.requests}
              clinicId={clinic.clinicId}
              decides={() => true}
              showPatient
            />
          )}
        </>
      )}
    </Stack>
  );
}
