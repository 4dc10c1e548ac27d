import { Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useSession } from '../auth/session';
import { QueryStatus } from '../shell/query-status';
import { DocumentTable } from './document-table';
import { DocumentUploadForm } from './document-upload-form';
import { documentsQuery } from './document-queries';

/** A patient's documents with the form to add one: the patient's page and the chart share it. */
export function DocumentsPanel(props: {
  clinicId: string;
  patientId: string;
  /** The heading level of the panel's own parts (the page has an h1, the chart an h2). */
  headingOrder: 2 | 3;
  listTitle: string;
}) {
  const { clinicId, patientId } = props;
  const sessionState = useSession();
  const documents = useQuery(documentsQuery(clinicId, patientId));
  const viewerId = sessionState.status === 'signed-in' ? sessionState.session.user.id : '';
  const isProviderHere =
    sessionState.status === 'signed-in' &&
    sessionState.session.memberships.some(
      (m) => m.organizationId === clinicId && m.role === 'provider',
    );

  return (
    <Stack gap="lg">
      <QueryStatus query={documents} loadingLabel="Loading documents…" />
      {documents.data && (
        <>
          {documents.data.uploadCategories.length > 0 && (
            <DocumentUploadForm
              clinicId={clinicId}
              patientId={patientId}
              categories={documents.data.uploadCategories}
              maxBytes={documents.data.maxBytes}
              headingOrder={props.headingOrder}
            />
          )}
          <Stack gap="sm">
            <Title order={props.headingOrder}>{props.listTitle}</Title>
            <DocumentTable
              clinicId={clinicId}
              patientId={patientId}
              documents={documents.data.documents}
              viewerId={viewerId}
              canRetractAny={isProviderHere && viewerId !== patientId}
            />
          </Stack>
        </>
      )}
    </Stack>
  );
}

/** The documents part of a patient's chart, as their providers (and the front desk) see it. */
export function PatientDocumentsSection({
  clinicId,
  patientId,
}: {
  clinicId: string;
  patientId: string;
}) {
  return (
    <Stack gap="sm" component="section" aria-labelledby="documents-heading">
      <Title order={2} id="documents-heading">
        Documents
      </Title>
      <Text>
        Files in this record: lab results, imaging, referrals, insurance cards. Front-desk staff see
        insurance cards and ID documents only.
      </Text>
      <DocumentsPanel
        clinicId={clinicId}
        patientId={patientId}
        headingOrder={3}
        listTitle="Files in the record"
      />
    </Stack>
  );
}
