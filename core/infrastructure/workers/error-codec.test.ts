import { MessageChannel } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AppError,
  CancelledError,
  ConflictError,
  errorFromData,
  ImportRejectedError,
  NotFoundError,
  StorageError,
  TimeoutError,
  toErrorData,
  ValidationError,
  WorkerFailedError,
} from '../../application/errors.js';
import { BacktestCancelledError } from '../../domain/engine/types.js';
import { DomainError } from '../../domain/errors.js';
import { errorFromWorker, installErrorCodec, workerErrorData } from './error-codec.js';

const typed = [
  new ValidationError('bad spec', { problems: [{ path: 'entry.long', message: 'empty' }] }),
  new NotFoundError('No run r1', { id: 'r1' }),
  new ConflictError('exists', { path: '/x' }),
  new CancelledError('stopped', { barsDone: 5 }),
  new TimeoutError('too long', { ms: 10 }),
  new ImportRejectedError('2 bad rows', [{ file: 'a.csv', line: 3, message: 'NaN close' }]),
  new WorkerFailedError('died', { reason: 'oom' }),
  new StorageError('locked', { path: '/db' }),
  new AppError('InternalError', 'oops'),
];

describe('one error codec for every boundary', () => {
  it('gives back the same class, message and details', () => {
    for (const error of typed) {
      const back = errorFromData(structuredClone(toErrorData(error)));
      expect(back.constructor).toBe(error.constructor);
      expect({ type: back.type, message: back.message, details: back.details }).toEqual({ type: error.type, message: error.message, details: error.details });
    }
    const rows = errorFromData(toErrorData(typed[5]!));
    expect(rows).toBeInstanceOf(ImportRejectedError);
    expect((rows as ImportRejectedError).rowErrors).toEqual([{ file: 'a.csv', line: 3, message: 'NaN close' }]);
  });

  it('says what an error thrown in a worker was: a broken domain rule is bad input, a cancelled engine a cancel, anything else a failed job', () => {
    expect(errorFromData(workerErrorData(new DomainError('NaN price at bar 7', { bar: 7 })))).toMatchObject({ type: 'ValidationError', details: { bar: 7 } });
    expect(errorFromData(workerErrorData(new BacktestCancelledError(65_536)))).toBeInstanceOf(CancelledError);
    expect(errorFromData(workerErrorData(new TypeError('x is undefined')))).toMatchObject({ type: 'WorkerFailedError', message: 'The job failed inside the worker: TypeError: x is undefined' });
    // From an end without the codec: rebuilt by the name it carries.
    expect(errorFromWorker(Object.assign(new Error('gone'), { name: 'NotFoundError' }))).toBeInstanceOf(NotFoundError);
  });

  describe('through comlink, as between a pool and its workers', () => {
    const ports: { close(): void }[] = [];
    afterEach(() => ports.splice(0).forEach((p) => p.close()));

    it('rejects a call with the typed error the other end threw, details kept', async () => {
      installErrorCodec();
      const { port1, port2 } = new MessageChannel();
      ports.push(port1, port2);
      Comlink.expose(
        {
          fail(kind: number): never {
            if (kind === 0) throw new ValidationError('The strategy spec is malformed at entry', { problems: [{ path: 'entry', message: 'required' }] });
            if (kind === 1) throw new ImportRejectedError('1 bad row', [{ file: 'f.csv', line: 9, message: 'bad ts' }]);
            throw new RangeError('boom');
          },
        },
        nodeEndpoint(port2),
      );
      const remote = Comlink.wrap<{ fail(kind: number): void }>(nodeEndpoint(port1));
      const caught = async (kind: number) => remote.fail(kind).then(() => null, (error: unknown) => error);
      const validation = await caught(0);
      expect(validation).toBeInstanceOf(ValidationError);
      expect(validation).toMatchObject({ details: { problems: [{ path: 'entry', message: 'required' }] } });
      const rejected = await caught(1);
      expect(rejected).toBeInstanceOf(ImportRejectedError);
      expect((rejected as ImportRejectedError).rowErrors).toEqual([{ file: 'f.csv', line: 9, message: 'bad ts' }]);
      expect(await caught(2)).toMatchObject({ type: 'WorkerFailedError', message: expect.stringContaining('RangeError: boom') });
      remote[Comlink.releaseProxy]();
    });
  });
});
