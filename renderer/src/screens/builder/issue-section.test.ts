import { describe, expect, it } from 'vitest';
import { issueSection, issueText } from './issue-section.js';

describe('issueText', () => {
  it("names the form's section instead of the validator's path", () => {
    const issue = { path: 'entry.long', message: 'The strategy trades long but has no long entry conditions.' };
    expect(issueText(issue)).toBe('Long entry: The strategy trades long but has no long entry conditions.');
    expect(issueText({ path: 'exit.short', message: 'm' })).toBe('Short exit: m');
    expect(issueText({ path: 'portfolio.universe.symbols[3]', message: 'm' })).toBe('Portfolio: m');
    expect(issueText({ path: 'parameters[0].paths', message: 'm' })).toBe('Parameters: m');
    expect(issueText({ path: 'costs.commissionPct', message: 'm' })).toBe('Sizing and costs: m');
  });

  it('shows the message alone for the spec as a whole or a path it does not know', () => {
    expect(issueText({ path: '', message: 'Whole spec.' })).toBe('Whole spec.');
    expect(issueSection('somethingNew.deep')).toBeNull();
    expect(issueSection('][')).toBeNull();
  });
});
