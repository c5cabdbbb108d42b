import { SPEC_VERSION, type StrategySpec } from './spec.js';
import { DEFAULT_COSTS, DEFAULT_INITIAL_CASH, DEFAULT_SIZING } from './templates.js';

/** What a blank strategy is called until the trader names it. */
export const BLANK_STRATEGY_NAME = 'Blank strategy';

/**
 * A strategy with no rules yet, beside the templates: long only, no entry or exit
 * conditions, no stops, the templates' default sizing, costs and cash. It may be saved as
 * it is (an unfinished strategy) and runs once it has an entry rule.
 */
export function blankSpec(name: string = BLANK_STRATEGY_NAME): StrategySpec {
  return { version: SPEC_VERSION, name, direction: 'long', entry: {}, exit: {}, management: {}, sizing: DEFAULT_SIZING, costs: DEFAULT_COSTS, initialCash: DEFAULT_INITIAL_CASH };
}
