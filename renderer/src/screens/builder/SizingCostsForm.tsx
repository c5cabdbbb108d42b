import type { StrategySpec } from '../../api/contract.js';
import { useBuilder } from './builder-context.js';
import { FieldIssues } from './FieldIssues.js';
import { NumberField } from './NumberField.js';

const SIZING_DEFAULTS = {
  fixedQuantity: { kind: 'fixedQuantity', quantity: 1 },
  fixedCash: { kind: 'fixedCash', cash: 10_000 },
  percentEquity: { kind: 'percentEquity', percent: 100 },
} as const;

/** Position sizing, starting cash and trading costs. */
export function SizingCostsForm({ spec }: { spec: StrategySpec }) {
  const { update } = useBuilder();
  const sizing = spec.sizing;
  return (
    <section className="panel col" data-testid="sizing-form">
      <h3>Sizing and costs</h3>
      <div className="row">
        <select aria-label="Sizing" data-testid="sizing-kind" value={sizing.kind} onChange={(event) => update(['sizing'], SIZING_DEFAULTS[event.target.value as keyof typeof SIZING_DEFAULTS])}>
          <option value="fixedQuantity">Fixed quantity</option>
          <option value="fixedCash">Fixed cash per trade</option>
          <option value="percentEquity">Percent of equity</option>
        </select>
      </div>
      <div className="fields">
        {sizing.kind === 'fixedQuantity' && <NumberField label="Quantity" path={['sizing', 'quantity']} value={sizing.quantity} min={0} max={1e9} step={1} />}
        {sizing.kind === 'fixedCash' && <NumberField label="Cash per trade" path={['sizing', 'cash']} value={sizing.cash} min={0} max={1e12} step={100} />}
        {sizing.kind === 'percentEquity' && <NumberField label="Percent of equity" path={['sizing', 'percent']} value={sizing.percent} min={0.1} max={100} step={1} />}
        <NumberField label="Initial cash" path={['initialCash']} value={spec.initialCash} min={1} max={1e12} step={1000} />
        <NumberField label="Commission % per side" path={['costs', 'commissionPct']} value={spec.costs.commissionPct} min={0} max={10} step={0.01} />
        <NumberField label="Commission fixed" path={['costs', 'commissionFixed']} value={spec.costs.commissionFixed} min={0} max={1000} step={0.5} />
        <NumberField label="Slippage (bps)" path={['costs', 'slippageBps']} value={spec.costs.slippageBps} min={0} max={1000} step={1} />
      </div>
      <FieldIssues path={['sizing']} />
      <FieldIssues path={['costs']} />
    </section>
  );
}
