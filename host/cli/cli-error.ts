/** A usage or input error the CLI reports on stderr with exit code 2 (no stack). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
