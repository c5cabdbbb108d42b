import type { OptionSpec } from '../command.js';

// Flag sets shared by several commands; light, so `bws --help` can list them without loading any command.

/** Flags that pick a strategy and override its direction, cash and costs. */
export const SPEC_OPTIONS = {
  spec: { type: 'string' },
  template: { type: 'string' },
  param: { type: 'string', multiple: true },
  direction: { type: 'string' },
  cash: { type: 'string' },
  commission: { type: 'string' },
  slippage: { type: 'string' },
} as const satisfies OptionSpec;

/** Flags shared by `optimize` and `walkforward`. */
export const SWEEP_OPTIONS = {
  spec: { type: 'string' },
  template: { type: 'string' },
  param: { type: 'string', multiple: true },
  constraint: { type: 'string', multiple: true },
  direction: { type: 'string' },
  cash: { type: 'string' },
  commission: { type: 'string' },
  slippage: { type: 'string' },
  symbol: { type: 'string' },
  symbols: { type: 'string' },
  universe: { type: 'string' },
  'max-positions': { type: 'string' },
  rank: { type: 'string' },
  timeframe: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  method: { type: 'string' },
  samples: { type: 'string' },
  generations: { type: 'string' },
  population: { type: 'string' },
  seed: { type: 'string' },
  objective: { type: 'string' },
  minimize: { type: 'boolean' },
  'min-trades': { type: 'string' },
  workers: { type: 'string' },
  'qty-step': { type: 'string' },
  'no-magnifier': { type: 'boolean' },
  cluster: { type: 'string' },
} as const satisfies OptionSpec;

export const SWEEP_USAGE =
  '(--spec FILE | --template NAME) (--symbol SYM | --symbols A,B,C | --universe TAG) [--max-positions N] [--rank VARIABLE[(NAME=VALUE)]:desc|asc] [--timeframe TF] [--from ISO] [--to ISO] --param NAME=MIN:MAX:STEP|a,b,c ... [--constraint "fast<slow"] [--method grid|random|genetic] [--samples N] [--generations N] [--population N] [--seed N] [--objective METRIC] [--minimize] [--min-trades N] [--workers N | --cluster redis://:PASSWORD@HOST:PORT] [--direction D] [--cash N] [--commission PCT] [--slippage BPS] [--json]';

