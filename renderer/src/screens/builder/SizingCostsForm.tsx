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
  const { update, limits } = useBuilder();
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
        {sizing.kind === 'fixedQuantity' && <NumberField label="Quantity" path={['sizing', 'quantity']} value={sizing.quantity} limit={limits.sizingQuantity} />}
        {sizing.kind === 'fixedCash' && <NumberField label="Cash per trade" path={['sizing', 'cash']} value={sizing.cash} limit={limits.sizingCash} />}
        {sizing.kind === 'percentEquity' && <NumberField label="Percent of equity" path={['sizing', 'percent']} value={sizing.percent} limit={limits.sizingPercent} />}
        <NumberField label="Initial cash" path={['initialCash']} value={spec.initialCash} limit={limits.initialCash} />
        <NumberField label="Commission % per side" path={['costs', 'commissionPct']} value={spec.costs.commissionPct} limit={limits.commissionPct} />
        <NumberField label="Commission fixed" path={['costs', 'commissionFixed']} value={spec.costs.commissionFixed} limit={limits.commissionFixed} />
        <NumberField label="Slippage (bps)" path={['costs', 'slippageBps']} value={spec.costs.slippageBps} limit={limits.slippageBps} />
      </div>
      <FieldIssues path={['sizing']} />
      <FieldIssues path={['costs']} />
    </section>
  );
}
