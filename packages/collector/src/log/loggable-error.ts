/**
 * An error as the writer logs it: its message and code only. A driver error's other fields (PostgreSQL's `detail`,
 * `where`) can quote the values of the row, and the log never holds event data (README "Logs").
 */
export function loggableError(error: unknown): { message: string; code?: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return {
    message: error instanceof Error ? error.message : String(error),
    ...(typeof code === 'string' ? { code } : {}),
  };
}
