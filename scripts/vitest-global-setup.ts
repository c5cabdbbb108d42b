import { execFileSync } from 'node:child_process';

/** Bundles what integration tests start as real processes (workers, CLI, the Electron main bundle) and the renderer the app protocol serves. */
export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs', '--renderer'], { stdio: 'inherit' });
}
