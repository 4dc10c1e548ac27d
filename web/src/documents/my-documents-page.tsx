import { Stack, Text, Title } from '@mantine/core';
import { useSession } from '../auth/session';
import { viewerTimeZone } from '../shell/format-time';
import { PageTitle } from '../shell/page-title';
import { DocumentsPanel } from './documents-panel';

/** The patient's own documents: what they and their care team added, and an upload form. */
export function MyDocumentsPage() {
  const sessionState = useSession();
  const own =
    sessionState.status === 'signed-in'
      ? sessionState.session.memberships.find((m) => m.role === 'patient')
      : undefined;
  const patientId = sessionState.status === 'signed-in' ? sessionState.session.user.id : '';
  return (
    <Stack gap="lg" maw={1000}>
      <PageTitle title="My documents" />
      <Title order={1}>My documents</Title>
      <Text>
        Share lab results, referrals, imaging or a photo of your insurance card with your care team.
        Everything you add is kept encrypted and becomes part of your record. Times are in your time
        zone ({viewerTimeZone}).
      </Text>
      {own ? (
        <DocumentsPanel
          clinicId={own.organizationId}
          patientId={patientId}
          headingOrder={2}
          listTitle="Your documents"
        />
      ) : (
        <Text>Only patients have documents here.</Text>
      )}
    </Stack>
  );
}
