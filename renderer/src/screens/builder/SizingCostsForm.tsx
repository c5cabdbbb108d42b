import { SPEC_FIELDS } from '../../../../core/domain/strategy/spec-fields.js';
import type { StrategySpec } from '../../api/contract.js';
import { useBuilder } from './builder-context.js';
import { FieldIssues } from './FieldIssues.js';
import { NumberField } from './NumberField.js';

const SIZING_DEFAULTS = {
  fixedQuantity: { kind: 'fixedQuantity', quantity: 1 },
  fixedCash: { kind: 'fixedCash', cash: 10_000 },
  percentEquity: { kind: 'percentEquity', percent: 100 },
  equalWeight: { kind: 'equalWeight' },
} as const;

/** Position sizing, starting cash and trading costs. */
export function SizingCostsForm({ spec }: { spec: StrategySpec }) {
  const { update } = useBuilder();
  const sizing = spec.sizing;
  return (
    <section className="panel col" data-testid="sizing-form">
      <h3>Sizing and costs</h3>
      <div className="row">
        <select aria-label={SPEC_FIELDS['sizing.quantity'].group} data-testid="sizing-kind" value={sizing.kind} onChange={(event) => update(['sizing'], SIZING_DEFAULTS[event.target.value as keyof typeof SIZING_DEFAULTS])}>
          <option value="fixedQuantity">Fixed quantity</option>
          <option value="fixedCash">Fixed cash per trade</option>
          <option value="percentEquity">Percent of equity</option>
          <option value="equalWeight">Equal weight of the slots</option>
        </select>
      </div>
      <div className="fields">
        {sizing.kind === 'fixedQuantity' && <NumberField field={SPEC_FIELDS['sizing.quantity']} path={['sizing', 'quantity']} value={sizing.quantity} />}
        {sizing.kind === 'fixedCash' && <NumberField field={SPEC_FIELDS['sizing.cash']} path={['sizing', 'cash']} value={sizing.cash} />}
        {sizing.kind === 'percentEquity' && <NumberField field={SPEC_FIELDS['sizing.percent']} path={['sizing', 'percent']} value={sizing.percent} />}
        <NumberField field={SPEC_FIELDS.initialCash} path={['initialCash']} value={spec.initialCash} />
        <NumberField field={SPEC_FIELDS['costs.commissionPct']} path={['costs', 'commissionPct']} value={spec.costs.commissionPct} />
        <NumberField field={SPEC_FIELDS['costs.commissionFixed']} path={['costs', 'commissionFixed']} value={spec.costs.commissionFixed} />
        <NumberField field={SPEC_FIELDS['costs.slippageBps']} path={['costs', 'slippageBps']} value={spec.costs.slippageBps} />
      </div>
      <FieldIssues path={['sizing']} />
      <FieldIssues path={['costs']} />
    </section>
  );
}
