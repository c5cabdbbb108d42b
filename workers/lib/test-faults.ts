import { performance } from 'node:perf_hooks';
import { StorageError, ValidationError } from '../../core/application/errors.js';
import { TEST_FAULTS, TEST_FAULTS_ENV, TEST_JOB_FAULT_ENV, type TestFault } from '../../core/infrastructure/workers/backtest-protocol.js';

/** Throws unless this worker was started with test faults enabled. */
export function assertFaultsEnabled(fault: TestFault): void {
  if (process.env[TEST_FAULTS_ENV] !== '1') {
    throw new ValidationError(`Test fault "${fault}" refused: the worker runs without ${TEST_FAULTS_ENV}=1`);
  }
}

/**
 * The fault every job without one commits, from BWS_TEST_JOB_FAULT (`busy:5000`); null
 * when unset. A malformed value throws: a test that set it must not run without it.
 */
export function defaultJobFault(env: NodeJS.ProcessEnv = process.env): { fault: TestFault; faultMs: number } | null {
  const value = env[TEST_JOB_FAULT_ENV];
  if (!value) return null;
  const [name, ms] = value.split(':');
  const faultMs = ms === undefined ? 1000 : Number(ms);
  if (!(TEST_FAULTS as readonly string[]).includes(name!) || !(faultMs >= 0)) {
    throw new ValidationError(`${TEST_JOB_FAULT_ENV}="${value}" is not a test fault (one of ${TEST_FAULTS.join(', ')}, optionally :ms)`);
  }
  return { fault: name as TestFault, faultMs };
}

/** Spins for `ms` without yielding: a stand-in for a long synchronous step. */
export function holdFor(ms: number): void {
  spinFor(ms);
}

/**
 * Commits the faults that do not need the engine. Returns 'pending' when the call must
 * stay unanswered (the crash is scheduled), 'continue' for 'busy' and 'hang' once their
 * loop is over ('busy' is then implemented by the caller with the real engine).
 */
export function commitFault(fault: TestFault, faultMs: number): 'pending' | 'continue' {
  switch (fault) {
    case 'throw':
      throw new Error('Test fault: the job threw');
    case 'uncaught':
      setImmediate(() => {
        throw new Error('Test fault: uncaught exception in the worker');
      });
      return 'pending';
    case 'exit':
      process.exit(7);
    // eslint-disable-next-line no-fallthrough -- process.exit does not return
    case 'oom': {
      const hoard: number[][] = [];
      for (;;) hoard.push(new Array<number>(1_000_000).fill(hoard.length));
    }
    case 'hang':
      spinFor(faultMs);
      return 'continue';
    case 'busy':
    case 'slowSave':
    case 'slowReply':
    case 'failSave':
      return 'continue';
  }
}

/** Test fault failSave: the write fails after `ms`, before it stored anything. */
export function failSaveAfter(ms: number): never {
  spinFor(ms);
  throw new StorageError('Test fault: the run could not be written (as on a full disk)');
}

/** A synchronous loop that does not look at the cancel flag. */
function spinFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // deliberately busy
  }
}
