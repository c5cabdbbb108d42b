/** The backtest engine's public surface. */
export { ENGINE_VERSION, createBacktest, runBacktest, type BacktestSession } from './backtest.js';
export {
  createPortfolioBacktest,
  runPortfolioBacktest,
  type InstrumentFigures,
  type MemberCurves,
  type PortfolioConfig,
  type PortfolioInput,
  type PortfolioMember,
  type PortfolioResult,
  type PortfolioSession,
} from './portfolio.js';
export { computeMetrics, drawdownStats, periodsPerYear, type BacktestMetrics, type MetricsInput } from './metrics.js';
export { operandKey, POSITION_VARIABLES, type PositionVariable } from './operands.js';
export { canonicalJson, hashRunInputs, type RunHashInput } from './run-hash.js';
export { MAX_WARM_UP_BARS, warmUpBarsFor } from './warm-up.js';
export { EXIT_REASON_WORDS, exitReasonWords } from './exit-reasons.js';
export {
  BacktestCancelledError,
  isBacktestCancelled,
  type BacktestConfig,
  type BacktestInput,
  type BacktestResult,
  type EngineInstrument,
  type ExitReason,
  type Marker,
  type MarkerKind,
  type OpenPosition,
  type Trade,
} from './types.js';
