import { SPEC_VERSION } from './spec.js';

/**
 * Returns spec JSON in the current format (SPEC_VERSION): a version 1 spec becomes version
 * 2 as it is (version 2 only added the optional `parameters`). Anything else (the current
 * version, a newer or unknown one, no object at all) comes back unchanged for the schema to
 * judge. Every reader of stored or given specs calls it before the schema: saved
 * strategies, drafts, runs and sweeps written by earlier builds, and spec files.
 */
export function upgradeSpec(json: unknown): unknown {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return json;
  const version = (json as { version?: unknown }).version;
  if (version === 1) return { ...json, version: SPEC_VERSION };
  return json;
}
