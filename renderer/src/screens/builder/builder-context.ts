import { createContext, useContext } from 'react';
import type { SpecIssue } from '../../api/contract.js';
import type { Path } from './spec-edit.js';

export interface BuilderApi {
  /** Errors and warnings the validator reported at exactly this path. */
  readonly issuesAt: (path: Path) => { errors: SpecIssue[]; warnings: SpecIssue[] };
  readonly update: (path: Path, value: unknown) => void;
  readonly remove: (path: Path) => void;
  /**
   * A field says whether its text is not a number (blank, '-'): the spec still holds the
   * last number, so the validator cannot see it; the builder counts it as a problem.
   */
  readonly reportUnparsed: (key: string, unparsed: boolean) => void;
}

export const BuilderContext = createContext<BuilderApi | null>(null);

/** Returns the builder's issues and edit functions (inside BuilderScreen only). */
export function useBuilder(): BuilderApi {
  const value = useContext(BuilderContext);
  if (!value) throw new Error('useBuilder outside BuilderContext');
  return value;
}
