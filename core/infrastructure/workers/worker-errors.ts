/** Describes why a worker died, in words a user can act on. */
export function describeWorkerDeath(error: unknown, memoryLimitMb: number | undefined): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
    const limit = memoryLimitMb === undefined ? '' : ` (heap limit ${memoryLimitMb} MB)`;
    return `Worker ran out of memory${limit} and was stopped`;
  }
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `Worker crashed with an uncaught error: ${message}`;
}
