import { ApiProblem } from './client';

/** Messages for one form, keyed by the field's name in the request body. */
export type FieldMessages = Partial<Record<string, string>>;

/**
 * The field-level messages of a validation problem, keyed by body field: `body.password`
 * becomes `password`. One field can fail several rules (too short and too common); their
 * messages are joined so the person sees every rule at once.
 */
export function bodyFieldErrors(error: unknown): FieldMessages {
  const messages: FieldMessages = {};
  if (!(error instanceof ApiProblem)) return messages;
  for (const { path, message } of error.fieldErrors) {
    if (path !== 'body' && !path.startsWith('body.')) continue;
    const field = path.slice('body.'.length);
    const earlier = messages[field];
    messages[field] = earlier ? `${earlier} ${message}` : message;
  }
  return messages;
}

/** Messages that belong to no field this form shows, for the alert above the form. */
export function unplacedFieldErrors(error: unknown, shownFields: readonly string[]): string[] {
  if (!(error instanceof ApiProblem)) return [];
  return error.fieldErrors
    .filter(({ path }) => !shownFields.some((field) => path === `body.${field}`))
    .map(({ path, message }) => `${path.replace(/^body\.?/, '') || 'request'}: ${message}`);
}
