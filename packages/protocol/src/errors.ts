import { z } from 'zod';

/** One problem with a request; every non-2xx answer carries a list of these. */
export const apiErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  description: z.string().optional(),
  path: z.string().optional(),
});
export type ApiError = z.infer<typeof apiErrorSchema>;

export const errorBodySchema = z.object({ errors: z.array(apiErrorSchema).min(1) });
export type ErrorBody = z.infer<typeof errorBodySchema>;
