import { describe, expect, it } from 'vitest';
import { defaultJobFault } from './test-faults.js';

describe('defaultJobFault (BWS_TEST_JOB_FAULT)', () => {
  it('reads `fault` and `fault:ms`, and nothing when unset', () => {
    expect(defaultJobFault({})).toBeNull();
    expect(defaultJobFault({ BWS_TEST_JOB_FAULT: 'busy:5000' })).toEqual({ fault: 'busy', faultMs: 5000 });
    expect(defaultJobFault({ BWS_TEST_JOB_FAULT: 'throw' })).toEqual({ fault: 'throw', faultMs: 1000 });
  });

  it('refuses what is not a fault, naming the variable', () => {
    expect(() => defaultJobFault({ BWS_TEST_JOB_FAULT: 'slow:10' })).toThrow(/BWS_TEST_JOB_FAULT="slow:10" is not a test fault/);
    expect(() => defaultJobFault({ BWS_TEST_JOB_FAULT: 'busy:soon' })).toThrow(/not a test fault/);
  });
});
