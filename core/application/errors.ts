/**
 * Typed errors that cross the API boundary as data: the dispatcher answers
 * `{ ok: false, error: { type, message, details } }` for any of these.
 */
export type AppErrorType =
  | 'ValidationError'
  | 'NotFoundError'
  | 'ConflictError'
  | 'CancelledError'
  | 'TimeoutError'
  | 'ImportRejectedError'
  | 'WorkerFailedError'
  | 'StorageError'
  | 'MarketDataError'
  | 'InternalError';

export class AppError extends Error {
  constructor(
    readonly type: AppErrorType,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = type;
  }
}

export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super('ValidationError', message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(message: string, details?: unknown) {
    super('NotFoundError', message, details);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: unknown) {
    super('ConflictError', message, details);
  }
}

export class CancelledError extends AppError {
  constructor(message = 'Cancelled', details?: unknown) {
    super('CancelledError', message, details);
  }
}

export class TimeoutError extends AppError {
  constructor(message: string, details?: unknown) {
    super('TimeoutError', message, details);
  }
}

export class StorageError extends AppError {
  constructor(message: string, details?: unknown) {
    super('StorageError', message, details);
  }
}

export class WorkerFailedError extends AppError {
  constructor(message: string, details?: unknown) {
    super('WorkerFailedError', message, details);
  }
}

/**
 * An exchange could not be reached, kept refusing (rate limits, maintenance) after the
 * retries, or answered with an error: the message says what was stored before it.
 */
export class MarketDataError extends AppError {
  constructor(message: string, details?: unknown) {
    super('MarketDataError', message, details);
  }
}

/** One rejected CSV row: file, 1-based line and what is wrong with it. */
export interface RowError {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export class ImportRejectedError extends AppError {
  constructor(
    message: string,
    readonly rowErrors: readonly RowError[],
  ) {
    super('ImportRejectedError', message, { rowErrors });
  }
}

export interface ErrorData {
  readonly type: AppErrorType;
  readonly message: string;
  readonly details?: unknown;
}

/** Turns any thrown value into error data; unknown errors become InternalError without a stack. */
export function toErrorData(error: unknown): ErrorData {
  if (error instanceof AppError) return { type: error.type, message: error.message, details: error.details };
  return { type: 'InternalError', message: 'Internal error; see the log for details' };
}
