import { ApiProblem } from '../api/client';
import { describeError, type ErrorDescription } from '../api/describe-error';
import { formatBytes } from './document-labels';

/** What an upload control accepts, in the words its refusals use. */
export interface UploadLimits {
  /** e.g. "PDF, JPEG, PNG or HEIC" */
  accepted: string;
  /** Left out where only the server knows the limit: its answer then names it. */
  maxBytes?: number;
  /** How to get under the limit, e.g. "Choose a smaller file, or scan at a lower resolution." */
  smallerHint: string;
}

/**
 * Words for a refused upload that say what to do next: 415 (the server decided the type from
 * the content) and 413 get their own; anything else is described as any failed request.
 */
export function describeUploadRefusal(error: unknown, limits: UploadLimits): ErrorDescription {
  if (error instanceof ApiProblem && error.is('unsupported-document-type')) {
    return {
      title: 'This kind of file is not accepted',
      message: `${error.detail ?? `Accepted: ${limits.accepted} files.`} Nothing was saved.`,
    };
  }
  if (error instanceof ApiProblem && error.is('payload-too-large')) {
    const limit =
      limits.maxBytes !== undefined
        ? `Files can be at most ${formatBytes(limits.maxBytes)}.`
        : (error.detail ?? 'The file is larger than the clinic accepts.');
    return {
      title: 'The file is too large',
      message: `${limit} ${limits.smallerHint} Nothing was saved.`,
    };
  }
  return describeError(error);
}

/**
 * The checks a page makes before sending (the server makes them again): a file is chosen,
 * not empty, and within the limit. Undefined when the file may go.
 */
export function fileProblem(file: File | null, maxBytes: number): string | undefined {
  if (!file) return 'Choose a file to upload.';
  if (file.size === 0) return 'This file is empty.';
  if (file.size > maxBytes) {
    return `This file is ${formatBytes(file.size)}; files can be at most ${formatBytes(maxBytes)}.`;
  }
  return undefined;
}
