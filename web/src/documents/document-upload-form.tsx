import { useId, useState, type FormEvent } from 'react';
import {
  Alert,
  Button,
  Group,
  Input,
  NativeSelect,
  Progress,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { documentSchema, type DocumentCategory } from '@openvisit/contracts';
import { ApiProblem } from '../api/client';
import { describeError, type ErrorDescription } from '../api/describe-error';
import { bodyFieldErrors } from '../api/field-errors';
import { SuccessNotice } from '../shell/live-region';
import {
  acceptedDescription,
  acceptedFileTypes,
  categoryLabels,
  formatBytes,
} from './document-labels';
import { documentsPath, documentsQuery } from './document-queries';
import { uploadWithProgress } from './upload-with-progress';
import classes from './documents.module.css';

/** Words for a refused upload that say what to do next. */
function uploadErrorText(error: unknown, maxBytes: number): ErrorDescription {
  if (error instanceof ApiProblem && error.is('unsupported-document-type')) {
    return {
      title: 'This kind of file is not accepted',
      message: `${error.detail ?? `Accepted: ${acceptedDescription} files.`} Nothing was saved.`,
    };
  }
  if (error instanceof ApiProblem && error.is('payload-too-large')) {
    return {
      title: 'The file is too large',
      message: `Files can be at most ${formatBytes(maxBytes)}. Choose a smaller file, or scan at a lower resolution. Nothing was saved.`,
    };
  }
  return describeError(error);
}

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
  const [progress, setProgress] = useState<number | null>(null);
  const [notice, setNotice] = useState('');
  const [formErrors, setFormErrors] = useState<{ category?: string; file?: string }>({});

  const upload = useMutation({
    mutationFn: (input: { file: File; category: string }) => {
      const form = new FormData();
      // The category goes first: the server reads fields that arrive before the file.
      form.append('category', input.category);
      form.append('file', input.file, input.file.name);
      return uploadWithProgress(documentsPath(clinicId, patientId), form, documentSchema, (f) =>
        setProgress(Math.round(f * 100)),
      );
    },
    onSuccess: (document) => {
      setProgress(100);
      setNotice(`${document.fileName} was added.`);
      setFile(null);
      setCategory('');
      setInputKey((key) => key + 1);
      void queryClient.invalidateQueries({
        queryKey: documentsQuery(clinicId, patientId).queryKey,
      });
    },
    onError: () => setProgress(null),
  });
  const serverErrors = bodyFieldErrors(upload.error);
  const categoryError = formErrors.category ?? serverErrors.category;
  const fileError = formErrors.file ?? serverErrors.file;

  function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setNotice('');
    upload.reset();
    const errors: typeof formErrors = {};
    if (!category) errors.category = 'Choose what kind of document this is.';
    if (!file) errors.file = 'Choose a file to upload.';
    else if (file.size > maxBytes) {
      errors.file = `This file is ${formatBytes(file.size)}; files can be at most ${formatBytes(maxBytes)}.`;
    } else if (file.size === 0) errors.file = 'This file is empty.';
    setFormErrors(errors);
    if (Object.keys(errors).length || !file) return;
    setProgress(0);
    upload.mutate({ file, category });
  }

  const failure =
    upload.isError && !serverErrors.category && !serverErrors.file
      ? uploadErrorText(upload.error, maxBytes)
      : undefined;
  const status = upload.isPending
    ? progress !== null && progress < 100
      ? `Uploading… ${progress}%`
      : 'Checking the file…'
    : upload.isSuccess
      ? 'Upload complete.'
      : '';

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
        <Input.Wrapper
          id={ids.file}
          label="File"
          required
          description={`${acceptedDescription}, up to ${formatBytes(maxBytes)}.`}
          error={fileError}
        >
          <input
            key={inputKey}
            id={ids.file}
            className={classes.fileInput}
            type="file"
            accept={acceptedFileTypes}
            aria-describedby={`${ids.file}-description${fileError ? ` ${ids.file}-error` : ''}`}
            aria-invalid={fileError ? true : undefined}
            onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
          />
        </Input.Wrapper>
        {progress !== null && (
          <Stack gap={4}>
            <Progress value={progress} aria-label="Upload progress" size="lg" />
            <Text size="sm" role="status">
              {status}
            </Text>
          </Stack>
        )}
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
