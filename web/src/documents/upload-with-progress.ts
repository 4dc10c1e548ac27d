import { problemSchema } from '@openvisit/contracts';
import {
  ApiProblem,
  ApiUnexpectedResponse,
  ApiUnreachable,
  csrfHeader,
  type ResponseSchema,
} from '../api/client';

/**
 * Sends a multipart form with XMLHttpRequest, which (unlike fetch) reports how much of the
 * body has gone out: `onProgress` gets 0..1 as the bytes leave. Answers are read like the
 * api client reads them: a problem+json becomes an ApiProblem.
 */
export function uploadWithProgress<T>(
  path: string,
  form: FormData,
  schema: ResponseSchema<T>,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    // The CSRF defence: without this header the server refuses any change.
    xhr.setRequestHeader(csrfHeader, '1');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      const body = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) {
        try {
          resolve(schema.parse(body));
        } catch (error) {
          reject(
            new ApiUnexpectedResponse(`POST ${path} answered in an unexpected shape`, {
              cause: error,
            }),
          );
        }
        return;
      }
      const problem = problemSchema.safeParse(body);
      reject(
        new ApiProblem(
          problem.success
            ? problem.data
            : {
                type: 'about:blank',
                title: xhr.statusText || `HTTP ${xhr.status}`,
                status: xhr.status,
              },
        ),
      );
    });
    xhr.addEventListener('error', () =>
      reject(new ApiUnreachable(`POST ${path} could not connect`)),
    );
    xhr.addEventListener('abort', () => reject(new DOMException('Upload cancelled', 'AbortError')));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
