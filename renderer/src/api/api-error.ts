/** An error answered by the core (`{ ok: false, error }`) or by the transport. Shown by message, never by stack. */
export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = type;
  }
}

/** One rejected CSV row as the core reports it (ImportRejectedError details). */
export interface RowErrorView {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** Returns the message to show for anything thrown: an ApiError's message, else a generic one. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}

/** Returns the per-row errors of a rejected import, if the error carries them. */
export function rowErrorsOf(error: unknown): RowErrorView[] {
  if (!(error instanceof ApiError)) return [];
  const details = error.details as { rowErrors?: unknown } | unknown[] | undefined;
  const list = Array.isArray(details) ? details : (details as { rowErrors?: unknown } | undefined)?.rowErrors;
  if (!Array.isArray(list)) return [];
  return list.filter((row): row is RowErrorView => typeof row === 'object' && row !== null && typeof (row as RowErrorView).line === 'number');
}

/** Turns a wire error `{ type, message, details }` into an ApiError. */
export function toApiError(wire: unknown): ApiError {
  if (typeof wire === 'object' && wire !== null) {
    const { type, message, details } = wire as { type?: unknown; message?: unknown; details?: unknown };
    return new ApiError(typeof type === 'string' ? type : 'InternalError', typeof message === 'string' ? message : 'Unexpected error', details);
  }
  return new ApiError('InternalError', 'Unexpected error');
}
