/**
 * The chain of error names below `error` (`ENQUEUE_FAILED ← TimeoutError ← …`), for logs. Names
 * and AWS error codes only: the messages of SDK errors can echo request content.
 */
export function describeCause(error: Error & { readonly code?: string }, maxDepth = 4): string {
  const parts: string[] = [];
  let cause: unknown = error.cause;
  for (let depth = 0; cause instanceof Error && depth < maxDepth; depth++) {
    parts.push(cause.name);
    cause = cause.cause;
  }
  return parts.join(' ← ') || (error.code ?? error.name);
}
