import { describe, expect, it } from 'vitest';
import { feeNote } from './fee-note.js';

describe('feeNote', () => {
  it('warns when the fees passed half the starting cash (9,602 trades, fees 10,472.91 on 10,000)', () => {
    const metrics = { totalFees: 10_472.91, finalEquity: 1, totalReturnPct: -99.99 };
    expect(feeNote(metrics, 10_000)).toBe('Fees of 10,472.91 were 105 % of the starting cash (10,000.00): the costs dominate this strategy.');
    // Without the spec's cash: read back from final equity and total return.
    expect(feeNote(metrics)).toBe(feeNote(metrics, 10_000));
  });

  it('warns when the fees took all the strategy made before costs', () => {
    // Made 300 before fees, paid 450: ended 150 down.
    expect(feeNote({ totalFees: 450, finalEquity: 9_850, totalReturnPct: -1.5 }, 10_000)).toBe(
      'Fees of 450.00 took all of the 300.00 the strategy made before costs: the costs dominate this strategy.',
    );
  });

  it('says nothing when the costs are modest, or there were none', () => {
    expect(feeNote({ totalFees: 120, finalEquity: 11_000, totalReturnPct: 10 }, 10_000)).toBeNull();
    expect(feeNote({ totalFees: 120, finalEquity: 9_000, totalReturnPct: -10 }, 10_000)).toBeNull(); // lost before fees too
    expect(feeNote({ totalFees: 0, finalEquity: 10_000, totalReturnPct: 0 }, 10_000)).toBeNull();
    expect(feeNote({ totalFees: 50, finalEquity: 0, totalReturnPct: -100 })).toBeNull(); // no cash to read back
  });
});
