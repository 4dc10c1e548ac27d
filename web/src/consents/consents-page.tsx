import { useState, type FormEvent } from 'react';
import { Alert, Badge, Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  consentSignatureSchema,
  type ConsentDocument,
  type ConsentStatus,
} from '@openvisit/contracts';
import { ApiProblem, apiSend } from '../api/client';
import { describeError } from '../api/describe-error';
import { bodyFieldErrors } from '../api/field-errors';
import { useSession } from '../auth/session';
import { useDraft } from '../shell/drafts';
import { DateTime } from '../shell/format-time';
import { SuccessNotice } from '../shell/live-region';
import { PageTitle } from '../shell/page-title';
import { QueryStatus } from '../shell/query-status';
import { consentDocumentsQuery, consentStatusQuery, patientConsentsPath } from './consent-queries';
import classes from './consents.module.css';

type KindStatus = ConsentStatus['consents'][number];

/** The signed-in patient's clinic and id (undefined for someone who is not a patient). */
export function usePatientSelf() {
  const sessionState = useSession();
  if (sessionState.status !== 'signed-in') return undefined;
  const membership = sessionState.session.memberships.find((m) => m.role === 'patient');
  return membership
    ? { clinicId: membership.organizationId, patientId: sessionState.session.user.id }
    : undefined;
}

/** The patient reads each consent document and signs the current version by typing their name. */
export function ConsentsPage() {
  const self = usePatientSelf();
  return (
    <Stack gap="lg" maw={860}>
      <PageTitle title="Consent forms" />
      <Title order={1}>Consent forms</Title>
      {self ? (
        <ConsentList clinicId={self.clinicId} patientId={self.patientId} />
      ) : (
        <Text>Only patients sign consent forms.</Text>
      )}
    </Stack>
  );
}

function ConsentList({ clinicId, patientId }: { clinicId: string; patientId: string }) {
  const documents = useQuery(consentDocumentsQuery(clinicId));
  const status = useQuery(consentStatusQuery(clinicId, patientId));
  const [notice, setNotice] = useState('');
  if (!documents.data || !status.data) {
    return (
      <QueryStatus
        query={documents.data ? status : documents}
        loadingLabel="Loading your consent forms…"
      />
    );
  }
  const statusOf = new Map(status.data.consents.map((c) => [c.kind, c]));
  // Documents to sign first, required before optional; signed ones after.
  const ordered = [...documents.data.current].sort((a, b) => {
    const rank = (d: ConsentDocument) =>
      (statusOf.get(d.kind)?.signed ? 2 : 0) + (d.required ? 0 : 1);
    return rank(a) - rank(b);
  });
  const missing = status.data.missingRequired.length;

  return (
    <>
      <Text>
        Please read each document and sign it by typing your full name. Your clinic asks you to sign
        the required ones before you book a visit. When a document changes, you are asked to read
        and sign the new version.
      </Text>
      <SuccessNotice message={notice} />
      {ordered.length === 0 ? (
        <Text>Your clinic has no consent forms for you to sign.</Text>
      ) : missing > 0 ? (
        <Alert color="blue" title="Signature needed">
          {missing === 1
            ? '1 required document needs your signature.'
            : `${missing} required documents need your signature.`}
        </Alert>
      ) : (
        <Text fw={600}>You have signed every required document.</Text>
      )}
      {ordered.map((document) => (
        <ConsentCard
          key={document.id}
          document={document}
          status={statusOf.get(document.kind)}
          clinicId={clinicId}
          patientId={patientId}
          onSigned={setNotice}
        />
      ))}
    </>
  );
}

function ConsentCard({
  document,
  status,
  clinicId,
  patientId,
  onSigned,
}: {
  document: ConsentDocument;
  status: KindStatus | undefined;
  clinicId: string;
  patientId: string;
  onSigned: (message: string) => void;
}) {
  const queryClient = useQueryClient();
  const [typedName, setTypedName] = useDraft(`consent:${document.id}:typedName`, '');
  const headingId = `consent-${document.id}-heading`;
  const sign = useMutation({
    mutationFn: () =>
      apiSend(
        'POST',
        patientConsentsPath(clinicId, patientId),
        { consentDocumentId: document.id, typedName, contentHash: document.contentHash },
        consentSignatureSchema,
      ),
    onSuccess: (signature) => {
      onSigned(`You signed the ${document.title} (version ${signature.version}).`);
      setTypedName('');
    },
    onSettled: (_data, error) => {
      void queryClient.invalidateQueries({
        queryKey: consentStatusQuery(clinicId, patientId).queryKey,
      });
      // A newer version was published while the page was open: show it.
      if (error instanceof ApiProblem && error.is('consent-version-changed')) {
        void queryClient.invalidateQueries({ queryKey: consentDocumentsQuery(clinicId).queryKey });
      }
    },
  });
  const nameError = bodyFieldErrors(sign.error).typedName;

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onSigned('');
    sign.mutate();
  }

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby={headingId}>
      <Stack gap="sm">
        <Group gap="sm" justify="space-between" align="flex-start">
          <Title order={2} size="h3" id={headingId}>
            {document.title}
          </Title>
          <Group gap="xs">
            <Badge radius="sm" tt="none" color={document.required ? 'blue.9' : 'gray.8'}>
              {document.required ? 'Required' : 'Optional'}
            </Badge>
            <Badge variant="outline" radius="sm" tt="none" color="gray.8">
              Version {document.version}
            </Badge>
          </Group>
        </Group>
        {status?.resign && (
          <Alert color="blue" title="Updated — please review and sign again">
            You signed version {status.signedVersion} on <DateTime iso={status.signedAt!} />. This
            document has changed since: read the new version and sign it.
          </Alert>
        )}
        {status?.signed ? (
          <Text c="teal.9" fw={600}>
            Signed on <DateTime iso={status.signedAt!} /> (version {status.signedVersion}).
          </Text>
        ) : null}
        <div
          className={classes.documentText}
          tabIndex={0}
          role="region"
          aria-label={`Text of the ${document.title}`}
        >
          {document.body.split(/\n{2,}/).map((paragraph, index) => (
            <Text key={index} mb="sm">
              {paragraph}
            </Text>
          ))}
        </div>
        {!status?.signed && (
          <form onSubmit={handleSubmit} noValidate>
            <Stack gap="sm">
              {sign.isError && !nameError && (
                <Alert color="red" title={problemTitle(sign.error)}>
                  {describeError(sign.error).message}
                </Alert>
              )}
              <TextInput
                label="Type your full name to sign"
                description="Typing your name and selecting Sign is your electronic signature on this version."
                autoComplete="name"
                required
                maxLength={200}
                value={typedName}
                error={nameError}
                onChange={(event) => setTypedName(event.currentTarget.value)}
              />
              <Group>
                <Button
                  type="submit"
                  loading={sign.isPending}
                  aria-label={`Sign the ${document.title}`}
                >
                  Sign
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Stack>
    </Card>
  );
}

function problemTitle(error: unknown) {
  if (error instanceof ApiProblem && error.is('consent-version-changed')) {
    return 'This document was just updated';
  }
  return describeError(error).title;
}
