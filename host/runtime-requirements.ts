// The one statement of which JavaScript runtime the workstation runs on. Checked first by
// every entry point (bin/bws.js, bin/start.js, the Electron main process), before
// anything loads the SQLite addon: better-sqlite3 13 is a Node-API 10 addon, and an older
// runtime crashes on load instead of throwing.

/** The oldest Node.js release the workstation supports (package.json "engines"). */
export const MINIMUM_NODE_VERSION = '22.14.0';
/** The Node-API version better-sqlite3's prebuilt binary needs (Node >= 22.14, Electron >= 35). */
export const MINIMUM_NODE_API_VERSION = 10;

export interface RuntimeVersions {
  readonly node: string;
  readonly napi?: string | undefined;
  readonly electron?: string | undefined;
}

/** Compares two dotted versions numerically; negative when a < b. */
function compareVersions(a: string, b: string): number {
  const left = a.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const right = b.split('.').map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Returns why this runtime cannot run the workstation, or null when it can. */
export function runtimeProblem(versions: RuntimeVersions, executable: string): string | null {
  const napi = Number.parseInt(versions.napi ?? '0', 10);
  const runtime = versions.electron !== undefined ? `Electron ${versions.electron} (Node.js ${versions.node})` : `Node.js ${versions.node} (${executable})`;
  if (versions.electron === undefined && compareVersions(versions.node, MINIMUM_NODE_VERSION) < 0) {
    return [
      `The workstation needs Node.js ${MINIMUM_NODE_VERSION} or newer; this is ${runtime}.`,
      'Run it through npm from the repository (npm start, npm test, npx bws ...): npm puts the',
      "project's own Node.js (the `node` devDependency, installed by npm install) first on PATH.",
      'Or install a current Node.js LTS (24).',
    ].join('\n');
  }
  if (napi < MINIMUM_NODE_API_VERSION) {
    return `The SQLite addon needs Node-API ${MINIMUM_NODE_API_VERSION}; ${runtime} offers Node-API ${versions.napi ?? 'none'}. Use Node.js ${MINIMUM_NODE_VERSION}+ or Electron 35+.`;
  }
  return null;
}

/** Exits with a clear message when this process's runtime is too old. */
export function requireSupportedRuntime(): void {
  const problem = runtimeProblem(process.versions, process.execPath);
  if (problem === null) return;
  process.stderr.write(`${problem}\n`);
  process.exit(1);
}
