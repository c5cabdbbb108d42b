/**
 * The contract types the renderer uses, in one place. The renderer may import only types
 * from core/application (lint-enforced), so everything here is derived from the contract's
 * handler signatures: when the contract changes, this file is the one place that follows.
 * Tables of facts (the variables catalog, a spec field's limit and words, the timeframes)
 * are values the renderer imports from core/domain itself, not copies.
 */
import type { AllHandlers, EventMessage, WorkstationEvents } from '../../../core/application/contract/index.js';

export type Handlers = AllHandlers;
export type { EventMessage, WorkstationEvents };
export type HandlerName = keyof Handlers;
export type ArgsOf<K extends HandlerName> = Parameters<Handlers[K]>[0];
export type ResultOf<K extends HandlerName> = Awaited<ReturnType<Handlers[K]>>;
export type EventName = keyof WorkstationEvents;

export type Page<T> = { readonly items: T[]; readonly total: number; readonly offset: number; readonly limit: number };

export type StrategyDetail = ResultOf<'strategies/get'>;
export type StrategySummary = ResultOf<'strategies/list'>['items'][number];
export type SpecCheck = ResultOf<'strategies/validate'>;
export type SpecIssue = SpecCheck['errors'][number];

export type StrategySpec = StrategyDetail['spec'];
export type SpecParameter = NonNullable<StrategySpec['parameters']>[number];
export type ConditionGroup = NonNullable<StrategySpec['entry']['long']>;
export type Condition = ConditionGroup['children'][number];
export type Trigger = Extract<Condition, { kind: 'trigger' }>;
export type VariableOperand = Trigger['left'];
export type Operand = NonNullable<Trigger['right']>;
export type Operator = Trigger['operator'];
export type Management = StrategySpec['management'];
export type Distance = NonNullable<Management['stopLoss']>;
export type Sizing = StrategySpec['sizing'];
export type Costs = StrategySpec['costs'];

export type SeriesSummary = ResultOf<'data/listSeries'>[number];
export type Timeframe = SeriesSummary['timeframe'];
export type BarSeries = ResultOf<'data/bars'>;
export type SignalPreview = ResultOf<'backtest/preview'>;

export type JobInfo = ResultOf<'jobs/cancel'>;
// What a backtest job's `interim` and `result` hold (JobInfo types them as unknown).
export type { BacktestInterim, BacktestJobResult, DownloadJobResult, ImportJobResult } from '../../../core/application/contract/index.js';
export type JobProgress = JobInfo['progress'];
export type SystemInfo = ResultOf<'system/info'>;

export type RunSummary = ResultOf<'runs/list'>['items'][number];
export type RunInfo = ResultOf<'runs/get'>;
export type RunMetrics = RunSummary['metrics'];
export type RunSweepVariant = NonNullable<RunInfo['extras']['sweepVariant']>;
/** The position still open after a run's last bar: valued in equity, not a trade. */
export type OpenPosition = NonNullable<RunInfo['extras']['openPosition']>;
export type EquitySeries = ResultOf<'runs/equity'>;
export type TradeRow = ResultOf<'runs/trades'>['items'][number];
/** A run's fills (or a preview's) as the engine reports them: times, prices and kinds. */
export type MarkerSeries = ResultOf<'runs/markers'>;
export type TradeSortKey = NonNullable<ArgsOf<'runs/trades'>['sort']>;
export type RunComparison = ResultOf<'runs/compare'>;
/** A portfolio run's per-instrument figures, PnL curves and positions open over time. */
export type RunInstruments = ResultOf<'runs/instruments'>;
export type InstrumentFigures = RunInstruments['figures'][number];
