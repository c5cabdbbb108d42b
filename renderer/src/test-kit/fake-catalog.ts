import type { VariableDef } from '../api/contract.js';
import { variableLookup } from '../app/spec-summary.js';

// A few catalog entries shaped like the server's (core/domain/strategy/catalog.ts and
// limits.ts), for renderer tests, which may not import the domain (layering rule).
const period = (value: number) => ({ name: 'period', label: 'Period', type: 'int', default: value, min: 1, max: 5000, step: 1 }) as const;
const single = (id: string, label: string, group: VariableDef['group'], params: VariableDef['params'] = []): VariableDef => ({
  id,
  label,
  description: '',
  kind: params.length > 0 ? 'indicator' : 'price',
  params,
  outputs: [{ id: 'value', label, group }],
  placement: 'overlay',
  group,
});

export const FAKE_VARIABLE_DEFS: readonly VariableDef[] = [
  single('close', 'Close', 'price'),
  single('sma', 'SMA', 'price', [period(20)]),
  single('rsi', 'RSI', 'percent', [period(14)]),
  {
    ...single('macd', 'MACD', 'zeroCentred', [
      { name: 'fast', label: 'Fast period', type: 'int', default: 12, min: 1, max: 1000, step: 1 },
      { name: 'slow', label: 'Slow period', type: 'int', default: 26, min: 2, max: 2000, step: 1 },
      { name: 'signal', label: 'Signal period', type: 'int', default: 9, min: 1, max: 1000, step: 1 },
    ]),
    outputs: [
      { id: 'line', label: 'MACD line', group: 'zeroCentred' },
      { id: 'signal', label: 'Signal line', group: 'zeroCentred' },
    ],
  },
  {
    ...single('bollinger', 'Bollinger Bands', 'price', [period(20), { name: 'stdDev', label: 'Standard deviations', type: 'number', default: 2, min: 0.1, max: 10, step: 0.1 }]),
    outputs: [
      { id: 'upper', label: 'Upper band', group: 'price' },
      { id: 'lower', label: 'Lower band', group: 'price' },
    ],
  },
];

export const FAKE_VARIABLES = variableLookup(FAKE_VARIABLE_DEFS);
