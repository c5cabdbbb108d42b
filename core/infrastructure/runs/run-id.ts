import { randomBytes } from 'node:crypto';
import { runId, type RunId } from '../../domain/market/ids.js';

let lastMs = -1;
let sequence = 0;

/**
 * Returns a time-ordered random id: 12 hex digits of epoch ms, 4 of a per-ms sequence
 * (so ids made in the same millisecond by this process still sort in creation order)
 * and 12 random hex digits. Sorting ids as strings sorts runs by creation time.
 */
export function newRunId(nowMs: number = Date.now()): RunId {
  if (nowMs === lastMs) sequence = (sequence + 1) & 0xffff;
  else {
    lastMs = nowMs;
    sequence = 0;
  }
  const time = Math.trunc(nowMs).toString(16).padStart(12, '0');
  return runId(`${time}${sequence.toString(16).padStart(4, '0')}${randomBytes(6).toString('hex')}`);
}
