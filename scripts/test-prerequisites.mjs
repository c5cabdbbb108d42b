// `npm test` step 0: the programs the tests drive that npm cannot install (a Chromium for
// the Playwright flows, a redis-server for the cluster tests). Where one is missing and this is a Debian/Ubuntu machine run as
// root (CI, a fresh VM), it installs the Debian package, saying so; otherwise it stops
// with the command that installs it. BWS_CHROMIUM_PATH points at a browser elsewhere,
// BWS_REDIS_SERVER at a redis-server elsewhere; BWS_NO_APT=1 never runs apt-get.
import { execFileSync, spawnSync } from 'node:child_process';

const { findBrowser } = await import('../e2e/lib/find-browser.ts');
const { findRedisServer } = await import('../e2e/lib/find-redis-server.ts');

/** [Debian package, check that throws a message when the program is missing] */
const needs = [
  ['chromium', () => findBrowser()],
  ['redis-server', () => findRedisServer()],
];

const missing = needs.filter(([, check]) => {
  try {
    check();
    return false;
  } catch {
    return true;
  }
});
if (missing.length === 0) process.exit(0);

const packages = missing.map(([name]) => name);
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!hasApt || !isRoot || process.env.BWS_NO_APT === '1') {
  const messages = missing.map(([, check]) => {
    try {
      check();
      return '';
    } catch (error) {
      return `  - ${error instanceof Error ? error.message : String(error)}`;
    }
  });
  process.stderr.write(['The tests need programs that are not installed:', ...messages, `Debian/Ubuntu: sudo apt-get install -y ${packages.join(' ')}`, ''].join('\n'));
  process.exit(1);
}

process.stderr.write(`npm test: installing the Debian packages the tests drive: ${packages.join(' ')} (apt-get; BWS_NO_APT=1 stops this)\n`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], { stdio: 'inherit', env });
for (const [name, check] of missing) {
  try {
    check();
  } catch (error) {
    process.stderr.write(`${name} is still missing after apt-get install: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
