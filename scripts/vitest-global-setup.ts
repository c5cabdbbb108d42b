import { execFileSync } from 'node:child_process';

/** Bundles the Node entry points (workers, CLI) that integration tests start as real processes. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs', '--node'], { stdio: 'inherit' });
}
