import { useId, useState, type FormEvent } from 'react';
import { Alert, Button, Group, NativeSelect, Stack, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { documentSchema, type DocumentCategory } from '@openvisit/contracts';
import { bodyFieldErrors } from '../api/field-errors';
import { SuccessNotice } from '../shell/live-region';
import {
  acceptedDescription,
  acceptedFileTypes,
  categoryLabels,
  formatBytes,
} from './document-labels';
import { documentsPath, documentsQuery } from './document-queries';
import { FileField } from './file-field';
import { UploadProgress } from './upload-progress';
import { describeUploadRefusal, fileProblem } from './upload-refusal';
import { useProgressUpload } from './use-progress-upload';

/**
 * Adds a document: the category, then the file, sent with a real progress bar (large
 * scans take a while on a phone). Size and category are checked here first; the server
 * checks again, and decides the type from the content.
 */
export function DocumentUploadForm(props: {
  clinicId: string;
  patientId: string;
  categories: DocumentCategory[];
  maxBytes: number;
  headingOrder: 2 | 3;
}) {
  const { clinicId, patientId, maxBytes } = props;
  const queryClient = useQueryClient();
  const ids = { file: useId(), heading: useId() };
  const [category, setCategory] = useState('');
  const [file, setFile] = useState<File | null>(null);
  // Changing the key gives a fresh (empty) file input after a successful upload.
  const [inputKey, setInputKey] = useState(0);
  const [notice, setNotice] = useState('');
  const [formErrors, setFormErrors] = useState<{ category?: string; file?: string }>({});

  const { upload, progress, reset } = useProgressUpload({
    path: documentsPath(clinicId, patientId),
    schema: documentSchema,
    onSuccess: (document) => {
      setNotice(`${document.fileName} was added.`);
      setFile(null);
      setCategory('');
      setInputKey((key) => key + 1);
      void queryClient.invalidateQueries({
        queryKey: documentsQuery(clinicId, patientId).queryKey,
      });
    },
  });
  const serverErrors = bodyFieldErrors(upload.error);
  const categoryError = formErrors.category ?? serverErrors.category;
  const fileError = formErrors.file ?? serverErrors.file;

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setNotice('');
    reset();
    const errors: typeof formErrors = {};
    if (!category) errors.category = 'Choose what kind of document this is.';
    const problem = fileProblem(file, maxBytes);
    if (problem) errors.file = problem;
    setFormErrors(errors);
    if (Object.keys(errors).length || !file) return;
    const form = new FormData();
    // The category goes first: the server reads fields that arrive before the file.
    form.append('category', category);
    form.append('file', file, file.name);
    upload.mutate(form);
  }

  const failure =
    upload.isError && !serverErrors.category && !serverErrors.file
      ? describeUploadRefusal(upload.error, {
          accepted: acceptedDescription,
          maxBytes,
          smallerHint: 'Choose a smaller file, or scan at a lower resolution.',
        })
      : undefined;

  return (
    <form onSubmit={handleSubmit} noValidate aria-labelledby={ids.heading}>
      <Stack gap="sm" maw={560}>
        <Title order={props.headingOrder} id={ids.heading}>
          Add a document
        </Title>
        <SuccessNotice message={notice} />
        <NativeSelect
          label="Kind of document"
          required
          value={category}
          error={categoryError}
          onChange={(event) => setCategory(event.currentTarget.value)}
          data={[
            { value: '', label: 'Choose…' },
            ...props.categories.map((c) => ({ value: c, label: categoryLabels[c] })),
          ]}
        />
        <FileField
          id={ids.file}
          label="File"
          required
          description={`${acceptedDescription}, up to ${formatBytes(maxBytes)}.`}
          accept={acceptedFileTypes}
          error={fileError}
          resetKey={inputKey}
          onChange={setFile}
        />
        <UploadProgress progress={progress} pending={upload.isPending} />
        {failure && (
          <Alert color="red" title={failure.title}>
            {failure.message}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={upload.isPending}>
            Upload
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
