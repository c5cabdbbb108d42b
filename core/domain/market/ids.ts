/** Branded identifiers: a plain string or number that the type system keeps apart. */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type InstrumentId = Brand<number, 'InstrumentId'>;
export type StrategyId = Brand<string, 'StrategyId'>;
export type RunId = Brand<string, 'RunId'>;
export type SweepId = Brand<string, 'SweepId'>;
export type JobId = Brand<string, 'JobId'>;
export type TradeId = Brand<number, 'TradeId'>;

export const instrumentId = (n: number): InstrumentId => n as InstrumentId;
export const strategyId = (s: string): StrategyId => s as StrategyId;
export const runId = (s: string): RunId => s as RunId;
export const sweepId = (s: string): SweepId => s as SweepId;
export const jobId = (s: string): JobId => s as JobId;
