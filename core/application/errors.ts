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

/**
 * The one error codec for every boundary (the dispatcher's answers, every worker's
 * errors): typed errors travel as { type, message, details } and come back as the same
 * class with the same details. Turns any thrown value into error data; unknown errors
 * become InternalError without a stack.
 */
export function toErrorData(error: unknown): ErrorData {
  if (error instanceof AppError) return { type: error.type, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) };
  return { type: 'InternalError', message: 'Internal error; see the log for details' };
}

function isRowError(r: unknown): r is RowError {
  return typeof r === 'object' && r !== null && 'file' in r && typeof r.file === 'string' && 'line' in r && typeof r.line === 'number' && 'message' in r && typeof r.message === 'string';
}

function rowErrorsOf(details: unknown): RowError[] {
  const rows = typeof details === 'object' && details !== null && 'rowErrors' in details ? details.rowErrors : undefined;
  return Array.isArray(rows) ? rows.filter(isRowError) : [];
}

const ERROR_CLASSES: { readonly [T in AppErrorType]: (message: string, details: unknown) => AppError } = {
  ValidationError: (message, details) => new ValidationError(message, details),
  NotFoundError: (message, details) => new NotFoundError(message, details),
  ConflictError: (message, details) => new ConflictError(message, details),
  CancelledError: (message, details) => new CancelledError(message, details),
  TimeoutError: (message, details) => new TimeoutError(message, details),
  ImportRejectedError: (message, details) => new ImportRejectedError(message, rowErrorsOf(details)),
  WorkerFailedError: (message, details) => new WorkerFailedError(message, details),
  StorageError: (message, details) => new StorageError(message, details),
  MarketDataError: (message, details) => new MarketDataError(message, details),
  InternalError: (message, details) => new AppError('InternalError', message, details),
};

/** True for the type of an AppError. */
export function isAppErrorType(type: unknown): type is AppErrorType {
  return typeof type === 'string' && Object.prototype.hasOwnProperty.call(ERROR_CLASSES, type);
}

/** Rebuilds the typed error from its data: the same class, message and details as were sent. */
export function errorFromData(data: ErrorData): AppError {
  return ERROR_CLASSES[data.type](data.message, data.details);
}
