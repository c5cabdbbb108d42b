import type { Timeframe } from '../../domain/market/timeframe.js';
import type { StrategySpec } from '../../domain/strategy/spec.js';
import { buildTemplate, listTemplates, type TemplateBase } from '../../domain/strategy/templates.js';
import { validateSpec, VALUE_PROBLEM_CODES, type Problem, type ProblemCode } from '../../domain/strategy/validate.js';
import { DomainError } from '../../domain/errors.js';
import { ValidationError } from '../errors.js';
import { formatPath, strategySpecSchema } from './spec-schema.js';

/** A structural problem found by the schema: where and what. */
export interface StructureProblem {
  readonly path: string;
  readonly message: string;
}

/** Problem as reported to callers: semantic codes plus 'invalidStructure' for schema failures. */
export interface SpecProblem extends Omit<Problem, 'code'> {
  readonly code: ProblemCode | 'invalidStructure';
}

export interface SpecCheck {
  /** The parsed spec, or null when its structure is invalid (then only structure errors are listed). */
  readonly spec: StrategySpec | null;
  readonly errors: readonly SpecProblem[];
  readonly warnings: readonly SpecProblem[];
  readonly accepted: readonly SpecProblem[];
  /** Said about the spec, never blocking (e.g. a buy-and-hold's position staying open to the end). */
  readonly notices: readonly SpecProblem[];
  /** No errors and no unaccepted warnings. */
  readonly runnable: boolean;
}

function structureProblems(json: unknown): { spec: StrategySpec } | { problems: StructureProblem[] } {
  const result = strategySpecSchema.safeParse(json);
  if (result.success) return { spec: result.data };
  return { problems: result.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })) };
}

/**
 * Parses spec JSON (already decoded) by structure. Throws ValidationError whose
 * details are `{ problems: { path, message }[] }` when the shape or types are wrong.
 */
export function parseSpec(json: unknown): StrategySpec {
  const parsed = structureProblems(json);
  if ('spec' in parsed) return parsed.spec;
  const first = parsed.problems[0]!;
  const more = parsed.problems.length > 1 ? ` (and ${parsed.problems.length - 1} more)` : '';
  throw new ValidationError(`The strategy spec is malformed at ${first.path || 'the top level'}: ${first.message}${more}`, {
    problems: parsed.problems,
  });
}

/** Checks spec JSON by structure, then by meaning; never throws for a bad spec. */
export function checkSpec(json: unknown, runTimeframe?: Timeframe): SpecCheck {
  const parsed = structureProblems(json);
  if (!('spec' in parsed)) {
    return {
      spec: null,
      errors: parsed.problems.map((p) => ({ ...p, code: 'invalidStructure' as const })),
      warnings: [],
      accepted: [],
      notices: [],
      runnable: false,
    };
  }
  const result = validateSpec(parsed.spec, runTimeframe ? { runTimeframe } : {});
  return { spec: parsed.spec, ...result, runnable: result.errors.length === 0 && result.warnings.length === 0 };
}

/**
 * Returns the spec a save may store: well-formed, and every field within its limits (ranges,
 * whole numbers, name length). An unfinished strategy (no entry yet) may be saved; a value
 * out of range may not. Throws ValidationError naming the field path, with every such
 * problem in `details.problems`.
 */
export function requireSavableSpec(json: unknown): StrategySpec {
  const spec = parseSpec(json);
  const problems = validateSpec(spec).errors.filter((problem) => VALUE_PROBLEM_CODES.has(problem.code));
  if (problems.length === 0) return spec;
  throw new ValidationError(problemsMessage(problems), { problems });
}

/** The first problem in the trader's words, then where it is (for the API and CLI) and how many more. */
function problemsMessage(problems: readonly { path: string; message: string }[]): string {
  const first = problems[0]!;
  const where = first.path ? ` (at ${first.path})` : '';
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return `${first.message}${where}${more}`;
}

/**
 * Returns the spec after structure and meaning checks; throws ValidationError listing
 * every blocking problem (errors and unaccepted warnings) in `details.problems`.
 */
export function requireRunnableSpec(json: unknown, runTimeframe?: Timeframe): StrategySpec {
  const check = checkSpec(json, runTimeframe);
  if (check.spec && check.runnable) return check.spec;
  const problems = [...check.errors, ...check.warnings];
  if (check.errors.length > 0) throw new ValidationError(problemsMessage(problems), { problems });
  throw new ValidationError(`A warning not accepted yet: ${problemsMessage(problems)}. Fix it, or accept it in the builder if you mean it.`, { problems });
}

/**
 * Creates a spec from a built-in template (create use case): unknown template or
 * parameter values out of bounds become ValidationError; the result is checked.
 */
export function createSpecFromTemplate(
  templateId: string,
  values: Readonly<Record<string, number>> = {},
  base?: TemplateBase,
  runTimeframe?: Timeframe,
): StrategySpec {
  let spec: StrategySpec;
  try {
    spec = buildTemplate(templateId, values, base);
  } catch (error) {
    if (error instanceof DomainError) throw new ValidationError(error.message, { templateId });
    throw error;
  }
  return requireRunnableSpec(spec, runTimeframe);
}

/** Template descriptions for the CLI and UI: id, name, description and tunable parameters. */
export function describeTemplates(): { id: string; name: string; description: string; params: ReturnType<typeof listTemplates>[number]['params'] }[] {
  return listTemplates().map(({ id, name, description, params }) => ({ id, name, description, params }));
}
