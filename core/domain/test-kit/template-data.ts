import { readFileSync } from 'node:fs';
import { DEMO_INSTRUMENTS, generateDemoBars } from '../demo/synthetic-bars.js';
import { allocateBars, type BarColumns } from '../market/bars.js';
import { resampleBars } from '../market/resample.js';
import type { Timeframe } from '../market/timeframe.js';
import type { Management } from '../strategy/spec.js';
import type { TemplateBase } from '../strategy/templates.js';

/**
 * The data sets and management variants the engine's pinned runs use (template-runs.test.ts)
 * and that a one-instrument portfolio is held equal to (portfolio.test.ts): a seeded
 * synthetic set (15-minute bars with the 1-minute magnifier), EUR/USD hourly with 200
 * warm-up bars and GOOG daily (fixtures/market-data).
 */
export interface DataSet {
  readonly name: string;
  readonly timeframe: Timeframe;
  readonly instrument: { readonly priceTick: number; readonly quantityStep: number };
  readonly bars: BarColumns;
  readonly magnifierBars?: BarColumns;
  readonly warmUpBars?: number;
}

/** Parses a fixture in the pandas layout (fixtures/market-data/README.md): date or datetime, OHLCV. */
export function fixtureBars(name: string): BarColumns {
  const text = readFileSync(new URL(`../../../fixtures/market-data/${name}`, import.meta.url), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '').slice(1);
  const bars = allocateBars(lines.length);
  lines.forEach((line, i) => {
    const [time, open, high, low, close, volume] = line.split(',');
    const [date, clock = '00:00:00'] = time!.split(' ');
    bars.ts[i] = Date.parse(`${date}T${clock}Z`);
    bars.open[i] = Number(open);
    bars.high[i] = Number(high);
    bars.low[i] = Number(low);
    bars.close[i] = Number(close);
    bars.volume[i] = Number(volume);
  });
  return bars;
}

export function dataSets(): DataSet[] {
  const btc = DEMO_INSTRUMENTS[0]!;
  const minutes = generateDemoBars(btc, 40_000);
  return [
    {
      name: 'demo-btc-15m',
      timeframe: '15m',
      instrument: { priceTick: btc.draft.priceTick, quantityStep: btc.draft.quantityStep },
      bars: resampleBars(minutes, '1m', '15m').bars,
      magnifierBars: minutes,
    },
    { name: 'eurusd-1h', timeframe: '1h', instrument: { priceTick: 0.00001, quantityStep: 1 }, bars: fixtureBars('EURUSD.csv'), warmUpBars: 200 },
    { name: 'goog-1d', timeframe: '1d', instrument: { priceTick: 0.01, quantityStep: 1 }, bars: fixtureBars('GOOG.csv') },
  ];
}

/** Stop + ATR target + trailing stop, with a fixed commission. */
export const STOPS: TemplateBase = {
  management: {
    stopLoss: { kind: 'percent', value: 1.5 },
    takeProfit: { kind: 'atr', multiple: 4, period: 14 },
    trailingStop: { distance: { kind: 'percent', value: 1 }, activationPct: 0.5 },
  },
  costs: { commissionPct: 0.05, commissionFixed: 0.5, slippageBps: 2 },
};

/** Time exit + partial exit + pyramiding at 40 % of equity. */
export const RULES: TemplateBase = {
  management: { timeExitBars: 40, partialExit: { atProfitPct: 0.8, fraction: 0.5 }, pyramiding: { maxAdds: 2, spacingPct: 0.3 } } satisfies Management,
  sizing: { kind: 'percentEquity', percent: 40 },
};
