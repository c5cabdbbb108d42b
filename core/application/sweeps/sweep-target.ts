import { ValidationError } from '../errors.js';
import type { HandlerDeps } from '../handler-deps.js';
import type { VariantEvaluator } from './ports.js';

/** Where a sweep's variants run: this machine's sweep workers, or the configured cluster's agents. */
export type SweepTarget = 'local' | 'cluster';

/**
 * The evaluator for a sweep's target. Without a target, the cluster when one is
 * configured (the app was started with --cluster for that), else this machine; a
 * portfolio sweep always this machine.
 */
export function evaluatorFor(deps: Pick<HandlerDeps, 'evaluator' | 'cluster'>, target: SweepTarget | undefined, portfolio = false): VariantEvaluator {
  // A cluster's datasets carry one instrument's bars: a portfolio sweep runs on this machine.
  if (portfolio && target === 'cluster') throw new ValidationError('A sweep over a universe runs on this machine\'s workers: a cluster carries one instrument\'s bars');
  if (target === 'local' || portfolio) return deps.evaluator;
  if (target === 'cluster' && !deps.cluster) {
    throw new ValidationError('No cluster is configured: start the app with --cluster redis://:PASSWORD@HOST:PORT (docs/CLUSTER.md)');
  }
  return deps.cluster?.evaluator ?? deps.evaluator;
}
