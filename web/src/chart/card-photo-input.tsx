import { useState } from 'react';
import { Alert, Anchor, FileInput, Group, Progress, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { documentSchema } from '@openvisit/contracts';
import { describeError } from '../api/describe-error';
import { documentContentUrl, documentsPath, documentsQuery } from '../documents/document-queries';
import { uploadWithProgress } from '../documents/upload-with-progress';

/**
 * One side of an insurance card: the photo is uploaded to the patient's documents (as an
 * insurance card, type checked by the server) and the policy points at it.
 */
export function CardPhotoInput(props: {
  clinicId: string;
  patientId: string;
  side: 'front' | 'back';
  documentId: string;
  onUploaded: (documentId: string) => void;
  error?: string | undefined;
}) {
  const { clinicId, patientId } = props;
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState(0);
  const upload = useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('category', 'insurance-card');
      form.append('file', file, file.name);
      setProgress(0);
      return uploadWithProgress(documentsPath(clinicId, patientId), form, documentSchema, (f) =>
        setProgress(Math.round(f * 100)),
      );
    },
    onSuccess: (document) => {
      props.onUploaded(document.id);
      void queryClient.invalidateQueries({
        queryKey: documentsQuery(clinicId, patientId).queryKey,
      });
    },
  });
  const label = `Photo of the card's ${props.side}`;
  return (
    <Stack gap={4}>
      <FileInput
        label={label}
        description="JPEG, PNG, HEIC or PDF"
        accept=".jpg,.jpeg,.png,.heic,.pdf"
        clearable={false}
        placeholder={props.documentId ? 'Replace the photo' : 'Choose a photo'}
        error={props.error}
        disabled={upload.isPending}
        onChange={(file) => file && upload.mutate(file)}
      />
      {upload.isPending && (
        <Progress value={progress} aria-label={`Uploading the ${props.side} photo`} animated />
      )}
      {props.documentId && !upload.isPending && (
        <Group gap="xs">
          <Text size="sm">Photo on file.</Text>
          <Anchor size="sm" href={documentContentUrl(clinicId, patientId, props.documentId)}>
            Download the {props.side} photo
          </Anchor>
        </Group>
      )}
      {upload.isError && (
        <Alert color="red" title={describeError(upload.error).title}>
          {describeError(upload.error).message}
        </Alert>
      )}
    </Stack>
  );
}
