#!/usr/bin/env node
// `npm start`: the desktop app when Electron can start here, otherwise the same
// workstation in local web mode (same handlers, served on 127.0.0.1 with a token).
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const passThrough = process.argv.slice(2);

function electronBinary() {
  try {
    // The electron package exports the path of its binary; it throws when the binary
    // was never downloaded (optional dependency, ELECTRON_SKIP_BINARY_DOWNLOAD, offline).
    return createRequire(import.meta.url)('electron');
  } catch (error) {
    return { reason: error instanceof Error ? error.message.split('\n')[0] : String(error) };
  }
}

function startWebMode(reason) {
  process.stderr.write(`Electron cannot start here (${reason}).\nStarting the workstation in local web mode instead: open the URL below in a browser.\n`);
  const child = spawn(process.execPath, [cli, 'serve', ...passThrough], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
}

const binary = electronBinary();
if (typeof binary !== 'string') {
  startWebMode(binary.reason);
} else if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
  startWebMode('no display: DISPLAY and WAYLAND_DISPLAY are unset');
} else {
  const startedAt = Date.now();
  const child = spawn(binary, [root, ...passThrough], { stdio: 'inherit' });
  child.on('error', (error) => startWebMode(error.message));
  child.on('exit', (code) => {
    // An Electron that dies at once (missing libraries, no GPU/display) gets the fallback.
    if (code !== 0 && Date.now() - startedAt < 5000) startWebMode(`electron exited with code ${code}`);
    else process.exit(code ?? 0);
  });
}
