import type { SystemHandlers } from '../contract/system.js';
import type { HandlerDeps } from './handler-deps.js';

const SLOW_STATEMENTS_SHOWN = 50;

export function systemHandlers(deps: HandlerDeps): SystemHandlers {
  return {
    'system/info': async () => deps.systemInfo,
    'system/performance': async () => ({
      handlers: deps.latency.report(),
      slowStatements: deps.slowStatements().slice(0, SLOW_STATEMENTS_SHOWN),
    }),
  };
}
