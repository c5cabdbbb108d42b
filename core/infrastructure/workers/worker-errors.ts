import { AppError, ValidationError, WorkerFailedError, type AppErrorType } from '../../application/errors.js';
import { describeHostFailure } from '../host-failures.js';

const APP_ERROR_TYPES: ReadonlySet<string> = new Set<AppErrorType>([
  'ValidationError',
  'NotFoundError',
  'ConflictError',
  'CancelledError',
  'TimeoutError',
  'ImportRejectedError',
  'WorkerFailedError',
  'StorageError',
  'InternalError',
]);

/**
 * Turns an error that crossed the thread boundary back into a typed AppError. comlink
 * carries only `name`, `message` and `stack` of a thrown Error, so typed errors are
 * rebuilt from their name (AppError sets name = type). A DomainError raised by the
 * engine or the spec compiler means the input broke a domain rule: a ValidationError.
 * Anything else is reported as a failure of the job inside the worker, with its message.
 */
export function errorFromWorker(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (APP_ERROR_TYPES.has(name)) return new AppError(name as AppErrorType, message);
  if (name === 'DomainError') return new ValidationError(message);
  const host = describeHostFailure(error);
  if (host) return host;
  return new WorkerFailedError(`The job failed inside the worker: ${name}: ${message}`);
}

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
