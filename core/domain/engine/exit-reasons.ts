import type { ExitReason } from './types.js';

/**
 * Why a trade closed, in words for people (tables, reports): 'trailing stop', not the
 * engine's 'trailingStop'. Keyed by every engine reason, so a new one must be worded.
 * Files meant for programs (trades CSV) keep the engine's names.
 */
export const EXIT_REASON_WORDS: Readonly<Record<ExitReason, string>> = {
  signal: 'exit signal',
  stopLoss: 'stop-loss',
  takeProfit: 'take-profit',
  trailingStop: 'trailing stop',
  timeExit: 'time exit',
  partialExit: 'partial exit',
  reversal: 'reversed',
  rotation: 'rotated out',
};

const isExitReason = (reason: string): reason is ExitReason => Object.hasOwn(EXIT_REASON_WORDS, reason);

/** Returns an exit reason in words; a name the engine does not give (an older run's) as it is. */
export function exitReasonWords(reason: string): string {
  return isExitReason(reason) ? EXIT_REASON_WORDS[reason] : reason;
}
