import { useId, useState, type FormEvent } from 'react';
import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import {
  PROVIDER_PHOTO_MAX_BYTES,
  providerPhotoSchema,
  type ProviderProfile,
} from '@openvisit/contracts';
import { formatBytes } from '../documents/document-labels';
import { FileField } from '../documents/file-field';
import { UploadProgress } from '../documents/upload-progress';
import { describeUploadRefusal, fileProblem } from '../documents/upload-refusal';
import { useProgressUpload } from '../documents/use-progress-upload';
import { SuccessNotice } from '../shell/live-region';
import { ProviderPhoto } from './provider-photo';
import { providerPhotoPath, providerProfilesQuery } from './provider-queries';

const acceptedPhotos = 'JPEG or PNG';

/**
 * Sets or replaces a provider's photo (the provider, or an admin), with a progress bar. The
 * size is checked here first; the server checks it again and decides the type from the
 * content. The previous photo is kept on the record, withdrawn, by the server.
 */
export function ProviderPhotoForm({
  clinicId,
  provider,
  editor,
  headingOrder,
}: {
  clinicId: string;
  provider: ProviderProfile;
  editor: 'admin' | 'self';
  headingOrder: 2 | 3;
}) {
  const queryClient = useQueryClient();
  const ids = { file: useId(), heading: useId() };
  const [file, setFile] = useState<File | null>(null);
  const [inputKey, setInputKey] = useState(0);
  const [fileError, setFileError] = useState<string | undefined>();
  const [notice, setNotice] = useState('');
  const { upload, progress, reset } = useProgressUpload({
    path: providerPhotoPath(clinicId, provider.providerId),
    schema: providerPhotoSchema,
    onSuccess: () => {
      setNotice(
        editor === 'self'
          ? 'Your new photo is saved. Patients see it when they choose a provider.'
          : `Saved the new photo of ${provider.displayName}.`,
      );
      setFile(null);
      setInputKey((key) => key + 1);
      // The profile names the new photo, so every page showing it loads the new one.
      void queryClient.invalidateQueries({ queryKey: providerProfilesQuery(clinicId).queryKey });
    },
  });

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setNotice('');
    reset();
    const problem = fileProblem(file, PROVIDER_PHOTO_MAX_BYTES);
    setFileError(problem);
    if (problem || !file) return;
    const form = new FormData();
    form.append('file', file, file.name);
    upload.mutate(form);
  }

  const refusal = upload.isError
    ? describeUploadRefusal(upload.error, {
        accepted: acceptedPhotos,
        smallerHint: 'Choose a smaller image, or save it at a lower resolution.',
      })
    : undefined;

  return (
    <Card withBorder padding="lg" component="section" aria-labelledby={ids.heading}>
      <Stack gap="md">
        <Title order={headingOrder} id={ids.heading}>
          Photo
        </Title>
        <Group align="flex-start" gap="lg" wrap="wrap">
          <ProviderPhoto clinicId={clinicId} provider={provider} size={120} />
          <form onSubmit={handleSubmit} noValidate>
            <Stack gap="sm" maw={420}>
              <Text size="sm">
                {provider.photoId
                  ? 'Patients see this photo when they choose a provider. A new one replaces it.'
                  : 'No photo yet. Patients see it when they choose a provider.'}
              </Text>
              <SuccessNotice message={notice} />
              <FileField
                id={ids.file}
                label={provider.photoId ? 'New photo' : 'Photo'}
                description={`A ${acceptedPhotos} image, up to ${formatBytes(PROVIDER_PHOTO_MAX_BYTES)}.`}
                accept=".jpg,.jpeg,.png"
                error={fileError}
                resetKey={inputKey}
                onChange={setFile}
              />
              <UploadProgress progress={progress} pending={upload.isPending} />
              {refusal && (
                <Alert color="red" title={refusal.title}>
                  {refusal.message}
                </Alert>
              )}
              <Group>
                <Button type="submit" loading={upload.isPending}>
                  {provider.photoId ? 'Replace photo' : 'Upload photo'}
                </Button>
              </Group>
            </Stack>
          </form>
        </Group>
      </Stack>
    </Card>
  );
}
