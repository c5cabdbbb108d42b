import { accessSync, constants } from 'node:fs';

/** Where redis-server is looked for, in order, after the BWS_REDIS_SERVER variable (Debian's package first). */
export const SYSTEM_REDIS_PATHS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/usr/sbin/redis-server'] as const;

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * Returns the path of the redis-server the cluster tests start (each its own, on a private
 * port with a temporary dir): BWS_REDIS_SERVER when set, else the first usual system path
 * that exists. Throws a message naming what to install when there is none.
 */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.BWS_REDIS_SERVER;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new Error(`BWS_REDIS_SERVER is set to "${fromEnv}", which is not an executable file.`);
  }
  const found = SYSTEM_REDIS_PATHS.find(isExecutable);
  if (found) return found;
  throw new Error(
    'No redis-server found for the cluster tests. Install one (Debian/Ubuntu: `apt-get install redis-server`) ' +
      `or set BWS_REDIS_SERVER to a redis-server executable. Looked in: ${SYSTEM_REDIS_PATHS.join(', ')}.`,
  );
}
