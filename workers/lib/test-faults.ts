import { performance } from 'node:perf_hooks';
import { ValidationError } from '../../core/application/errors.js';
import { TEST_FAULTS_ENV, type TestFault } from '../../core/infrastructure/workers/backtest-protocol.js';

/** Throws unless this worker was started with test faults enabled. */
export function assertFaultsEnabled(fault: TestFault): void {
  if (process.env[TEST_FAULTS_ENV] !== '1') {
    throw new ValidationError(`Test fault "${fault}" refused: the worker runs without ${TEST_FAULTS_ENV}=1`);
  }
}

/**
 * Commits the faults that do not need the engine. Returns 'pending' when the call must
 * stay unanswered (the crash is scheduled), 'continue' for 'busy' and 'hang' once their
 * loop is over ('busy' is then implemented by the caller with the real engine).
 */
/** Spins for `ms` without yielding: a stand-in for a long synchronous step. */
export function holdFor(ms: number): void {
  spinFor(ms);
}

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
      return 'continue';
  }
}

/** A synchronous loop that does not look at the cancel flag. */
function spinFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // deliberately busy
  }
}
