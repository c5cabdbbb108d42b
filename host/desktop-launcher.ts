// `npm start`: opens the desktop app when Electron can start here; otherwise it says
// exactly why not (binary not downloaded and how to fetch it, no display) and serves
// the same workstation in local web mode.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What decides whether a desktop window can open. */
export interface DesktopEnvironment {
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  /** The Electron binary's path, or why there is none. */
  readonly electron: { readonly binary: string } | { readonly missing: string };
}

/** The npm script that downloads Electron's binary (npm install skips it; see package.json allowScripts). */
export const FETCH_ELECTRON_COMMAND = 'npm run desktop:fetch';

/** Returns every reason the desktop window cannot open here (empty when it can). */
export function desktopProblems(environment: DesktopEnvironment): string[] {
  const problems: string[] = [];
  if ('missing' in environment.electron) problems.push(environment.electron.missing);
  const { env } = environment;
  if (environment.platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    problems.push('no display: DISPLAY and WAYLAND_DISPLAY are unset (a desktop window needs a graphical session)');
  }
  return problems;
}

/** Finds Electron's binary the way the electron package does, or says what is missing. */
export function locateElectron(projectRoot: string, env: NodeJS.ProcessEnv = process.env): DesktopEnvironment['electron'] {
  let packageDir: string;
  try {
    packageDir = path.dirname(createRequire(path.join(projectRoot, 'package.json')).resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed (run npm install)' };
  }
  try {
    // The package's main export is the binary's path; it throws when the binary is absent.
    const binary = createRequire(path.join(projectRoot, 'package.json'))('electron') as unknown;
    if (typeof binary === 'string' && existsSync(binary)) return { binary };
  } catch {
    // fall through: not downloaded
  }
  const override = env.ELECTRON_OVERRIDE_DIST_PATH ? ` (ELECTRON_OVERRIDE_DIST_PATH=${env.ELECTRON_OVERRIDE_DIST_PATH} holds none)` : '';
  return {
    missing: `Electron's binary is not downloaded${override}: npm install leaves that download out (it needs the internet, which install must not); fetch it into ${path.join(packageDir, 'dist')} with \`${FETCH_ELECTRON_COMMAND}\``,
  };
}

/** The repository (or packaged app) root: the folder above dist/. */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('No package.json above the launcher');
    dir = parent;
  }
  return dir;
}

/** Tries the npm script that fetches Electron's binary; resolves with an error line or null. */
function fetchElectron(root: string): Promise<string | null> {
  process.stderr.write(`Electron's binary is not downloaded yet; fetching it now (${FETCH_ELECTRON_COMMAND}, about 100 MB)...\n`);
  return new Promise((resolve) => {
    const installer = path.join(path.dirname(createRequire(path.join(root, 'package.json')).resolve('electron/package.json')), 'install.js');
    const child = spawn(process.execPath, [installer], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A network that swallows packets would otherwise hold the start for ever.
    const timer = setTimeout(() => child.kill('SIGTERM'), 5 * 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      const firstLine = stderr.split('\n').find((line) => line.trim() !== '') ?? `exit code ${code}`;
      resolve(code === 0 ? null : `the download failed: ${firstLine.trim()}`);
    });
    child.on('error', (error) => resolve(`the download failed: ${error.message}`));
  });
}

function startWebMode(root: string, reasons: readonly string[], args: readonly string[]): void {
  process.stderr.write(
    [
      'The desktop window cannot open here:',
      ...reasons.map((reason) => `  - ${reason}`),
      'Starting the same workstation in local web mode instead: open the URL below in a browser.',
      '',
    ].join('\n'),
  );
  const child = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), 'serve', ...args], { stdio: 'inherit' });
  let stopping = false;
  child.on('exit', (code, signal) => {
    // Not asked to stop (killed, crashed): the open page only sees the server gone, so say it here.
    if (!stopping && (signal !== null || code !== 0)) process.stderr.write(`${serverStoppedText(code, signal)}\n`);
    process.exit(code ?? (signal ? 1 : 0));
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      stopping = true;
      child.kill(signal);
    });
  }
}

/** What the launcher says when the web-mode server it started stops on its own. */
export function serverStoppedText(code: number | null, signal: NodeJS.Signals | null): string {
  const how = signal !== null ? `was stopped by ${signal}` : `exited with code ${code}`;
  return `The workstation server ${how}. Start it again with \`npm start\` and open the new address it prints; jobs it was running are marked interrupted, and what they finished is kept.`;
}

/** Opens the desktop app, or local web mode with the reasons it could not. */
export async function startWorkstation(args: readonly string[]): Promise<void> {
  const root = projectRoot();
  let electron = locateElectron(root);
  const environment = (): DesktopEnvironment => ({ platform: process.platform, env: process.env, electron });
  let problems = desktopProblems(environment());
  // Fetch the binary only where a window could then open: with no display it buys nothing.
  if ('missing' in electron && problems.length === 1 && !electron.missing.startsWith('the electron package')) {
    const failure = await fetchElectron(root);
    electron = locateElectron(root);
    problems = desktopProblems(environment());
    if (failure !== null && 'missing' in electron) problems = [`${electron.missing} (${failure})`];
  }
  if (problems.length > 0 || !('binary' in electron)) {
    startWebMode(root, problems, args);
    return;
  }
  const startedAt = Date.now();
  const child = spawn(electron.binary, [root, ...args], { stdio: 'inherit' });
  child.on('error', (error) => startWebMode(root, [`Electron did not start: ${error.message}`], args));
  child.on('exit', (code) => {
    // An Electron that dies at once (missing system libraries, no GPU) gets the fallback.
    if (code !== 0 && Date.now() - startedAt < 5000) startWebMode(root, [`Electron exited at once with code ${code}`], args);
    else process.exit(code ?? 0);
  });
}
