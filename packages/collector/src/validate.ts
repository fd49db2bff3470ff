import type { ApiError } from '@tracklet/protocol';
import type { z } from 'zod';
import { apiError, type ErrorCode, errorCodes, errorList } from './errors.js';

/** Contract error code for one zod issue: the schema's own `params.code`, else derived from where it failed. */
function codeOf(issue: z.core.$ZodIssue): ErrorCode {
  const own = (issue as { params?: { code?: string } }).params?.code;
  if (own && own in errorCodes) return own as ErrorCode;
  // Needs `reportInput: true` on the parse: without it zod leaves `input` out and every issue looks missing.
  if (issue.code === 'invalid_type' && 'input' in issue && issue.input === undefined) return 'missing_field';
  if (issue.path[0] === 'event' && issue.path.length === 1) return 'invalid_event_name';
  if (issue.code === 'unrecognized_keys') return 'unknown_field';
  return 'invalid_field';
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

/** One contract error entry per zod issue; `prefix` places them inside a larger body (e.g. "events[3]"). */
export function issuesToErrors(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[] = []): ApiError[] {
  return issues.map((issue) => {
    const code = codeOf(issue);
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = formatPath([...prefix, ...issue.path, ...keys.slice(0, 1)]);
    const described =
      code === 'missing_field' ? `${path || 'value'} is required` : `${path || 'body'}: ${issue.message}`;
    return apiError(code, described, path || undefined);
  });
}

/** Parse with a schema or throw the contract's 400 with one entry per problem. */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: readonly PropertyKey[] = [],
): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw errorList(issuesToErrors(result.error.issues, prefix));
}
