import { describe, expect, it } from 'vitest';
import { closuresText } from './closures-text.js';

describe('closuresText', () => {
  it('names weekend and overnight closures, either or both', () => {
    expect(closuresText(443, 0)).toBe('443 weekend closures');
    expect(closuresText(0, 1)).toBe('1 overnight closure');
    expect(closuresText(2, 1_234)).toBe('2 weekend closures · 1,234 overnight closures');
    expect(closuresText(0, 0)).toBe('');
  });
});
