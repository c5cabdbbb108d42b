#!/usr/bin/env node
// `npm start`: the desktop app when Electron can start here, otherwise the same
// workstation in local web mode (same handlers, served on 127.0.0.1 with a token).
import { fileURLToPath } from 'node:url';

const dist = (file) => fileURLToPath(new URL(`../dist/${file}`, import.meta.url));
const { requireSupportedRuntime } = await import(dist('runtime-requirements.js'));
requireSupportedRuntime();
const { startWorkstation } = await import(dist('desktop-launcher.js'));
await startWorkstation(process.argv.slice(2));
