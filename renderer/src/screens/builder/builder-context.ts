import { createContext, useContext } from 'react';
import type { SpecIssue, VariableDef } from '../../api/contract.js';
import type { Path } from './spec-edit.js';

export interface BuilderApi {
  readonly variables: readonly VariableDef[];
  /** Errors and warnings the validator reported at exactly this path. */
  readonly issuesAt: (path: Path) => { errors: SpecIssue[]; warnings: SpecIssue[] };
  readonly update: (path: Path, value: unknown) => void;
  readonly remove: (path: Path) => void;
}

export const BuilderContext = createContext<BuilderApi | null>(null);

/** Returns the builder's catalog, issues and edit functions (inside BuilderScreen only). */
export function useBuilder(): BuilderApi {
  const value = useContext(BuilderContext);
  if (!value) throw new Error('useBuilder outside BuilderContext');
  return value;
}
