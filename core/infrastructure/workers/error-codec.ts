import * as Comlink from 'comlink';
import { AppError, errorFromData, isAppErrorType, toErrorData, ValidationError, WorkerFailedError, type ErrorData } from '../../application/errors.js';
import { isBacktestCancelled } from '../../domain/engine/types.js';
import { DomainError } from '../../domain/errors.js';
import { describeHostFailure } from '../host-failures.js';

/**
 * Errors across the thread boundary, in the application's one codec (toErrorData /
 * errorFromData): a typed error thrown in a worker arrives as the same class with its
 * details. comlink on its own carries only name, message and stack of a thrown Error, so
 * every worker and every pool installs this as comlink's 'throw' handler.
 */

/**
 * What an error thrown in a worker sends: typed errors as they are; a broken domain rule is
 * bad input; a full disk, a busy or read-only store a StorageError saying so
 * (describeHostFailure); anything else a failure of the job.
 */
export function workerErrorData(error: unknown): ErrorData {
  if (error instanceof AppError) return toErrorData(error);
  const message = error instanceof Error ? error.message : String(error);
  if (isBacktestCancelled(error)) return toErrorData(new AppError('CancelledError', message));
  if (error instanceof DomainError) return toErrorData(new ValidationError(message, error.details));
  const host = describeHostFailure(error);
  if (host) return toErrorData(host);
  const name = error instanceof Error ? error.name : 'Error';
  return toErrorData(new WorkerFailedError(`The job failed inside the worker: ${name}: ${message}`));
}

/**
 * The typed error of whatever a worker call rejected with: this codec's data, an AppError
 * already rebuilt, or (from an end without the codec) an Error whose name says its type.
 */
export function errorFromWorker(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isErrorData(error)) return errorFromData(error);
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (isAppErrorType(name)) return errorFromData({ type: name, message });
  return errorFromData(workerErrorData(error));
}

function isErrorData(value: unknown): value is ErrorData {
  return typeof value === 'object' && value !== null && 'type' in value && isAppErrorType(value.type) && 'message' in value && typeof value.message === 'string';
}

/** Serialized throws carry the codec's data (comlink's own handler sends { isError, value }). */
interface ThrownWire {
  readonly isError: boolean;
  readonly value: unknown;
}

let installed = false;

/** Makes comlink send thrown errors in this codec and rethrow them typed: once per thread, on both ends. */
export function installErrorCodec(): void {
  if (installed) return;
  installed = true;
  const builtIn = Comlink.transferHandlers.get('throw')!;
  const handler: Comlink.TransferHandler<unknown, unknown> = {
    canHandle: (value): value is unknown => builtIn.canHandle(value),
    // comlink marks a throw as { value: error, [marker]: 0 }.
    serialize: (thrown) => [{ isError: true, value: workerErrorData(typeof thrown === 'object' && thrown !== null && 'value' in thrown ? thrown.value : thrown) } satisfies ThrownWire, []],
    deserialize: (wire) => {
      throw errorFromWorker(typeof wire === 'object' && wire !== null && 'value' in wire ? wire.value : wire);
    },
  };
  Comlink.transferHandlers.set('throw', handler);
}
