import type { HandlerDeps } from '../handler-deps.js';
import type { ClusterHandlers } from './contract.js';

export function clusterHandlers(deps: HandlerDeps): ClusterHandlers {
  return {
    'cluster/status': async () => (deps.cluster ? deps.cluster.monitor.status() : { configured: false }),
  };
}
