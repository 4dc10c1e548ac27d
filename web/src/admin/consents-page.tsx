import { useRef, useState, type FormEvent } from 'react';
import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  Group,
  Modal,
  NativeSelect,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  consentDocumentSchema,
  consentKindLabels,
  consentKinds,
  type ConsentDocumentList,
  type ConsentKind,
} from '@openvisit/contracts';
import { apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import { bodyFieldErrors } from '../api/field-errors';
import { FormProblemAlert } from '../auth/form-feedback';
import { useAdminClinicId } from '../auth/clinic-of';
import { consentDocumentsPath, consentDocumentsQuery } from '../consents/consent-queries';
import { useDraft } from '../shell/drafts';
import { DateTime, viewerTimeZone } from '../shell/format-time';
import { SuccessNotice } from '../shell/live-region';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';

/** Admins publish new versions of the clinic's consent documents; patients sign them. */
export function ConsentDocumentsPage() {
  const clinicId = useAdminClinicId();
  return (
    <Stack gap="lg" maw={1000}>
      <PageTitle title="Consent documents" />
      <Title order={1}>Consent documents</Title>
      <Text>
        The documents patients sign: the telehealth consent, the notice of privacy practices and the
        financial policy. A published version never changes; publishing a new one asks every patient
        to read and sign it again, and keeps their signatures on earlier versions. Times are in your
        time zone ({viewerTimeZone}).
      </Text>
      {clinicId ? (
        <ConsentAdmin clinicId={clinicId} />
      ) : (
        <Text>Only clinic admins manage consent documents.</Text>
      )}
    </Stack>
  );
}

function ConsentAdmin({ clinicId }: { clinicId: string }) {
  const documents = useQuery(consentDocumentsQuery(clinicId));
  const [notice, setNotice] = useState('');
  return (
    <>
      <SuccessNotice message={notice} />
      <QueryStatus query={documents} loadingLabel="Loading consent documents…" />
      {documents.data && (
        <>
          <CurrentVersions list={documents.data} />
          <PublishForm clinicId={clinicId} list={documents.data} onPublished={setNotice} />
          <History list={documents.data} />
        </>
      )}
    </>
  );
}

function CurrentVersions({ list }: { list: ConsentDocumentList }) {
  return (
    <Stack gap="sm" component="section" aria-labelledby="current-heading">
      <Title order={2} id="current-heading">
        Current versions
      </Title>
      {list.current.length === 0 ? (
        <Text>Nothing has been published yet.</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" striped>
            <Table.Caption>The version each patient is asked to sign</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Document</Table.Th>
                <Table.Th scope="col">Title</Table.Th>
                <Table.Th scope="col">Version</Table.Th>
                <Table.Th scope="col">Signing</Table.Th>
                <Table.Th scope="col">Published</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.current.map((doc) => (
                <Table.Tr key={doc.id}>
                  <Table.Th scope="row">{consentKindLabels[doc.kind]}</Table.Th>
                  <Table.Td>{doc.title}</Table.Td>
                  <Table.Td>{doc.version}</Table.Td>
                  <Table.Td>
                    <Badge radius="sm" tt="none" color={doc.required ? 'blue.9' : 'gray.8'}>
                      {doc.required ? 'Required before booking' : 'Optional'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <DateTime iso={doc.publishedAt} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

const publishFields = ['kind', 'title', 'body', 'required'] as const;

function PublishForm({
  clinicId,
  list,
  onPublished,
}: {
  clinicId: string;
  list: ConsentDocumentList;
  onPublished: (message: string) => void;
}) {
  const queryClient = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);
  // Kept across an idle sign-out: a long document is not typed twice.
  const [kind, setKind] = useDraft<ConsentKind>(`consent-publish:${clinicId}:kind`, 'telehealth');
  const [title, setTitle] = useDraft(`consent-publish:${clinicId}:title`, '');
  const [body, setBody] = useDraft(`consent-publish:${clinicId}:body`, '');
  const [required, setRequired] = useDraft(`consent-publish:${clinicId}:required`, true);
  const [confirming, setConfirming] = useState(false);
  const current = list.current.find((d) => d.kind === kind);

  const publish = useMutation({
    mutationFn: () =>
      apiSend(
        'POST',
        consentDocumentsPath(clinicId),
        { kind, title, body, required },
        consentDocumentSchema,
      ),
    onSuccess: (doc) => {
      setConfirming(false);
      onPublished(
        `Published version ${doc.version} of the ${consentKindLabels[doc.kind].toLowerCase()}.` +
          (doc.required ? ' Patients are asked to sign it.' : ''),
      );
      setTitle('');
      setBody('');
      void queryClient.invalidateQueries({ queryKey: consentDocumentsQuery(clinicId).queryKey });
    },
    onError: () => setConfirming(false),
  });
  const fieldErrors = bodyFieldErrors(publish.error);

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onPublished('');
    publish.reset();
    setConfirming(true);
  }

  function startFromCurrent() {
    if (!current) return;
    setTitle(current.title);
    setBody(current.body);
    setRequired(current.required);
  }

  const kindLabel = consentKindLabels[kind].toLowerCase();
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="publish-heading">
      <Stack gap="md">
        <Title order={2} size="h3" id="publish-heading" ref={heading} tabIndex={-1}>
          Publish a new version
        </Title>
        {publish.isError && (
          <FormProblemAlert
            error={publish.error}
            attempt={publish.submittedAt}
            fields={publishFields}
          />
        )}
        <form onSubmit={handleSubmit}>
          <Stack gap="md">
            <NativeSelect
              label="Document"
              value={kind}
              onChange={(event) => setKind(event.currentTarget.value as ConsentKind)}
              data={consentKinds.map((k) => ({ value: k, label: consentKindLabels[k] }))}
              description={
                current
                  ? `Currently version ${current.version}; this will be version ${current.version + 1}.`
                  : 'Not published yet; this will be version 1.'
              }
              error={fieldErrors.kind}
            />
            {current && (
              <Group>
                <Button variant="default" size="sm" onClick={startFromCurrent}>
                  Start from the current text
                </Button>
              </Group>
            )}
            <TextInput
              label="Title"
              required
              maxLength={200}
              value={title}
              onChange={(event) => setTitle(event.currentTarget.value)}
              error={fieldErrors.title}
            />
            <Textarea
              label="Text"
              description="Plain language. Separate paragraphs with a blank line."
              required
              autosize
              minRows={10}
              maxRows={30}
              maxLength={50_000}
              value={body}
              onChange={(event) => setBody(event.currentTarget.value)}
              error={fieldErrors.body}
            />
            <Checkbox
              label="Patients must sign it before booking a visit"
              checked={required}
              onChange={(event) => setRequired(event.currentTarget.checked)}
            />
            <Group>
              <Button type="submit">Publish…</Button>
            </Group>
          </Stack>
        </form>
      </Stack>
      <Modal
        opened={confirming}
        onClose={() => setConfirming(false)}
        title={`Publish version ${(current?.version ?? 0) + 1} of the ${kindLabel}?`}
        closeButtonProps={{ 'aria-label': 'Cancel' }}
        returnFocus={!publish.isSuccess}
        onExitTransitionEnd={() => {
          if (publish.isSuccess) heading.current?.focus();
        }}
      >
        <Stack gap="md">
          <Text>
            {current
              ? `Every patient will be asked to read and sign the new version${required ? ' before their next booking' : ''}. Their signatures on version ${current.version} are kept.`
              : `Patients will be asked to read and sign it${required ? ' before booking a visit' : ''}.`}{' '}
            A published version cannot be changed.
          </Text>
          {publish.isError && (
            <Alert color="red" title={describeError(publish.error).title}>
              {describeError(publish.error).message}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button loading={publish.isPending} onClick={() => publish.mutate()}>
              Publish version {(current?.version ?? 0) + 1}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

function History({ list }: { list: ConsentDocumentList }) {
  const history = list.history ?? [];
  if (history.length === 0) return null;
  return (
    <Stack gap="sm" component="section" aria-labelledby="history-heading">
      <Title order={2} id="history-heading">
        Every version
      </Title>
      <Table.ScrollContainer minWidth={640}>
        <Table verticalSpacing="xs" striped>
          <Table.Caption>Published versions, newest first</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Published</Table.Th>
              <Table.Th scope="col">Document</Table.Th>
              <Table.Th scope="col">Version</Table.Th>
              <Table.Th scope="col">Title</Table.Th>
              <Table.Th scope="col">Content hash (SHA-256)</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {history.map((doc) => (
              <Table.Tr key={doc.id}>
                <Table.Td>
                  <DateTime iso={doc.publishedAt} />
                </Table.Td>
                <Table.Td>{consentKindLabels[doc.kind]}</Table.Td>
                <Table.Td>{doc.version}</Table.Td>
                <Table.Td>{doc.title}</Table.Td>
                <Table.Td>
                  <Text span ff="monospace" size="xs" title={doc.contentHash}>
                    {doc.contentHash.slice(0, 12)}…
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
