import type { JobHandlers } from './contract.js';
import type { HandlerDeps } from '../handler-deps.js';

export function jobHandlers(deps: HandlerDeps): JobHandlers {
  return {
    'jobs/list': async (args) => deps.jobs.list(undefined, args?.kind),
    'jobs/cancel': async (args) => deps.jobs.cancel(args.id),
  };
}
