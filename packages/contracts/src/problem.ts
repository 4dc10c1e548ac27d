import { z } from 'zod';

/** RFC 9457 problem details, as every error response of the API is shaped. */
export const fieldErrorSchema = z.object({
  /** Dotted path of the offending field, e.g. `body.email`, `query.limit`, `params.slug`. */
  path: z.string(),
  message: z.string(),
});

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
  errors: z.array(fieldErrorSchema).optional(),
});

export type Problem = z.infer<typeof problemSchema>;
export type FieldError = z.infer<typeof fieldErrorSchema>;
