import { Alert, Anchor, FileInput, Group, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { documentSchema } from '@openvisit/contracts';
import { acceptedDescription } from '../documents/document-labels';
import { documentContentUrl, documentsPath, documentsQuery } from '../documents/document-queries';
import { UploadProgress } from '../documents/upload-progress';
import { describeUploadRefusal } from '../documents/upload-refusal';
import { useProgressUpload } from '../documents/use-progress-upload';

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
  const { upload, progress } = useProgressUpload({
    path: documentsPath(clinicId, patientId),
    schema: documentSchema,
    onSuccess: (document) => {
      props.onUploaded(document.id);
      void queryClient.invalidateQueries({
        queryKey: documentsQuery(clinicId, patientId).queryKey,
      });
    },
  });
  const send = (file: File) => {
    const form = new FormData();
    form.append('category', 'insurance-card');
    form.append('file', file, file.name);
    upload.mutate(form);
  };
  const label = `Photo of the card's ${props.side}`;
  // The clinic's document limit is the server's to apply: its 413 names it.
  const refusal = upload.isError
    ? describeUploadRefusal(upload.error, {
        accepted: acceptedDescription,
        smallerHint: 'Take the photo at a lower resolution.',
      })
    : undefined;
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
        onChange={(file) => file && send(file)}
      />
      <UploadProgress
        progress={progress}
        pending={upload.isPending}
        label={`Upload of the ${props.side} photo`}
      />
      {props.documentId && !upload.isPending && (
        <Group gap="xs">
          <Text size="sm">Photo on file.</Text>
          <Anchor size="sm" href={documentContentUrl(clinicId, patientId, props.documentId)}>
            Download the {props.side} photo
          </Anchor>
        </Group>
      )}
      {refusal && (
        <Alert color="red" title={refusal.title}>
          {refusal.message}
        </Alert>
      )}
    </Stack>
  );
}
