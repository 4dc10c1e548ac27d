import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import type { ResponseSchema } from '../api/client';
import { uploadWithProgress } from './upload-with-progress';

/**
 * An upload as a mutation, with how far it has got: `progress` is null before the first
 * attempt and after a failure, 0..100 while the bytes leave, and 100 once the server has
 * answered. `upload.mutate` takes the multipart form to send.
 */
export function useProgressUpload<T>(options: {
  path: string;
  schema: ResponseSchema<T>;
  onSuccess?: (result: T) => void;
}) {
  const { path, schema, onSuccess } = options;
  const [progress, setProgress] = useState<number | null>(null);
  const upload = useMutation({
    mutationFn: (form: FormData) => {
      setProgress(0);
      return uploadWithProgress(path, form, schema, (fraction) =>
        setProgress(Math.round(fraction * 100)),
      );
    },
    onSuccess: (result) => {
      setProgress(100);
      onSuccess?.(result);
    },
    onError: () => setProgress(null),
  });
  /** Back to before the first attempt: no bar, no outcome. */
  const reset = () => {
    upload.reset();
    setProgress(null);
  };
  return { upload, progress, reset };
}
