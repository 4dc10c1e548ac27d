import { useState, type FormEvent } from 'react';
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  Textarea,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { documentSchema, type PatientDocument } from '@openvisit/contracts';
import { ApiProblem, apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import { bodyFieldErrors } from '../api/field-errors';
import { DateTime } from '../shell/format-time';
import { SuccessNotice } from '../shell/live-region';
import { categoryLabels, formatBytes } from './document-labels';
import { documentContentUrl, documentsPath, documentsQuery } from './document-queries';
import classes from './documents.module.css';

/** The chart's documents, newest first; retracted ones stay listed, marked. */
export function DocumentTable(props: {
  clinicId: string;
  patientId: string;
  documents: PatientDocument[];
  viewerId: string;
  /** Providers caring for the patient may retract any document; others only their own. */
  canRetractAny: boolean;
}) {
  const { clinicId, patientId } = props;
  const [retracting, setRetracting] = useState<PatientDocument | null>(null);
  const [notice, setNotice] = useState('');
  if (props.documents.length === 0) return <Text>No documents yet.</Text>;
  return (
    <>
      <SuccessNotice message={notice} />
      <Table.ScrollContainer minWidth={720}>
        <Table verticalSpacing="xs" striped>
          <Table.Caption>Documents, newest first</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Added</Table.Th>
              <Table.Th scope="col">Document</Table.Th>
              <Table.Th scope="col">Kind</Table.Th>
              <Table.Th scope="col">Size</Table.Th>
              <Table.Th scope="col">Added by</Table.Th>
              <Table.Th scope="col">
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {props.documents.map((document) => (
              <Table.Tr key={document.id}>
                <Table.Td>
                  <DateTime iso={document.createdAt} />
                </Table.Td>
                <Table.Td>
                  <Stack gap={2}>
                    <Text
                      span
                      size="sm"
                      className={`${classes.fileName} ${document.retracted ? classes.retracted : ''}`}
                    >
                      {document.fileName}
                    </Text>
                    {document.retracted && (
                      <Text size="sm">
                        <Badge color="red.9" radius="sm" tt="none" mr="xs">
                          Retracted
                        </Badge>
                        by {document.retracted.by.displayName},{' '}
                        <DateTime iso={document.retracted.at} />: {document.retracted.reason}
                      </Text>
                    )}
                  </Stack>
                </Table.Td>
                <Table.Td>{categoryLabels[document.category]}</Table.Td>
                <Table.Td>{formatBytes(document.sizeBytes)}</Table.Td>
                <Table.Td>
                  {document.uploadedBy.id === props.viewerId
                    ? 'You'
                    : document.uploadedBy.displayName}
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Anchor
                      href={documentContentUrl(clinicId, patientId, document.id)}
                      download
                      underline="always"
                      aria-label={`Download ${document.fileName}`}
                    >
                      Download
                    </Anchor>
                    {!document.retracted &&
                      (props.canRetractAny || document.uploadedBy.id === props.viewerId) && (
                        <Button
                          size="xs"
                          variant="outline"
                          color="red.9"
                          aria-label={`Retract ${document.fileName}`}
                          onClick={() => {
                            setNotice('');
                            setRetracting(document);
                          }}
                        >
                          Retract
                        </Button>
                      )}
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {retracting && (
        <RetractDialog
          clinicId={clinicId}
          patientId={patientId}
          document={retracting}
          onClose={(done) => {
            if (done)
              setNotice(`${retracting.fileName} was retracted. It stays in the record, marked.`);
            setRetracting(null);
          }}
        />
      )}
    </>
  );
}

function RetractDialog(props: {
  clinicId: string;
  patientId: string;
  document: PatientDocument;
  onClose: (retracted: boolean) => void;
}) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const retract = useMutation({
    mutationFn: (body: { reason: string }) =>
      apiSend(
        'POST',
        `${documentsPath(props.clinicId, props.patientId)}/${encodeURIComponent(props.document.id)}/retract`,
        body,
        documentSchema,
      ),
    onSuccess: () => {
      void queryClient.invalidateQueries({
        queryKey: documentsQuery(props.clinicId, props.patientId).queryKey,
      });
      props.onClose(true);
    },
  });
  const reasonError =
    retract.error instanceof ApiProblem ? bodyFieldErrors(retract.error).reason : undefined;

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    retract.mutate({ reason: reason.trim() });
  }

  return (
    <Modal
      opened
      onClose={() => props.onClose(false)}
      title={`Retract ${props.document.fileName}?`}
    >
      <form onSubmit={handleSubmit} noValidate>
        <Stack gap="sm">
          <Text>
            A retracted document is not deleted: it stays in the record, marked as withdrawn, with
            your reason.
          </Text>
          <Textarea
            label="Reason"
            required
            minRows={2}
            maxLength={500}
            value={reason}
            error={reasonError}
            onChange={(event) => setReason(event.currentTarget.value)}
          />
          {retract.isError && !reasonError && (
            <Alert color="red" title={describeError(retract.error).title}>
              {describeError(retract.error).message}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => props.onClose(false)}>
              Keep it
            </Button>
            <Button type="submit" color="red.9" loading={retract.isPending}>
              Retract
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
