import { describe, expect, it } from 'vitest';
import { warmUpText } from './warm-up-text.js';

describe('warmUpText', () => {
  it('says nothing for a spec that needs no warm-up or a run saved before it was reported', () => {
    expect(warmUpText(undefined)).toBeNull();
    expect(warmUpText({ bars: 0, needed: 0 })).toBeNull();
  });

  it('says the indicators warmed up on the bars before the range', () => {
    expect(warmUpText({ bars: 30, needed: 30 })).toMatchObject({ short: 'warm-up 30 bars', shortBy: 0 });
  });

  it('says how many of the range\'s first bars were spent when fewer were stored before it', () => {
    const text = warmUpText({ bars: 12, needed: 30 })!;
    expect(text).toMatchObject({ short: 'warm-up 12 of 30 bars', shortBy: 18 });
    expect(text.long).toBe('Only 12 of the 30 bars the indicators need before the range were stored: about the first 18 bars of the range warmed the indicators up and could not trade.');
    expect(warmUpText({ bars: 0, needed: 1 })!.long).toMatch(/^No bars before the range were stored: about the first 1 bar of/);
  });
});
