import { describe, expect, it } from 'vitest';
import { EXIT_REASON_WORDS, exitReasonWords } from './exit-reasons.js';

describe('exit reasons in words', () => {
  it('words every engine reason without its code name', () => {
    expect(exitReasonWords('trailingStop')).toBe('trailing stop');
    expect(exitReasonWords('stopLoss')).toBe('stop-loss');
    expect(exitReasonWords('timeExit')).toBe('time exit');
    for (const [reason, words] of Object.entries(EXIT_REASON_WORDS)) {
      expect(words).not.toMatch(/[A-Z]/);
      expect(exitReasonWords(reason)).toBe(words);
    }
  });

  it('keeps a reason it does not know as it is', () => {
    expect(exitReasonWords('manual')).toBe('manual');
    expect(exitReasonWords('toString')).toBe('toString');
  });
});
