import { parsePath } from '../../../../core/domain/optimize/spec-path.js';
import { SPEC_FIELDS } from '../../../../core/domain/strategy/spec-fields.js';

/** The builder's words for the parts of a spec an issue can be about, by the path's first key. */
const SECTIONS: Readonly<Record<string, string>> = {
  name: 'Name',
  direction: 'Direction',
  parameters: 'Parameters',
  management: 'Exits and management',
  sizing: 'Sizing and costs',
  costs: 'Sizing and costs',
  initialCash: 'Sizing and costs',
  // The portfolio fields' group, as the form heads them.
  portfolio: SPEC_FIELDS['portfolio.maxPositions'].group,
};

/**
 * Returns where in the form an issue is, in words ('Long entry', 'Short exit', 'Portfolio'),
 * for a message no field shows; null for the spec as a whole or a path it does not know
 * (the message is shown alone then, never the validator's path like 'entry.long').
 */
export function issueSection(path: string): string | null {
  if (path === '') return null;
  let segments: readonly (string | number)[];
  try {
    segments = parsePath(path);
  } catch {
    return null;
  }
  const [root, side] = segments;
  if (root === 'entry' || root === 'exit') {
    const what = root === 'entry' ? 'entry' : 'exit';
    if (side === 'long') return `Long ${what}`;
    if (side === 'short') return `Short ${what}`;
    return root === 'entry' ? 'Entry conditions' : 'Exit conditions';
  }
  return typeof root === 'string' ? (SECTIONS[root] ?? null) : null;
}

/** An issue's message for a list of them: its section first when known ('Long entry: The strategy trades long but has no long entry conditions.'). */
export function issueText(issue: { readonly path: string; readonly message: string }): string {
  const section = issueSection(issue.path);
  return section === null ? issue.message : `${section}: ${issue.message}`;
}
