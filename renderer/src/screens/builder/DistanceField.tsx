import { SPEC_FIELDS } from '../../../../core/domain/strategy/spec-fields.js';
import type { Distance } from '../../api/contract.js';
import { useBuilder } from './builder-context.js';
import { FieldIssues } from './FieldIssues.js';
import { NumberField } from './NumberField.js';
import { pathKey } from './spec-edit.js';

/** Where a spec holds a distance from entry: its fields are rows of SPEC_FIELDS under this path. */
export type DistancePath = 'management.stopLoss' | 'management.takeProfit' | 'management.trailingStop.distance';

/** An optional distance from entry: off, a percentage, or a multiple of ATR. Headed by its group ('Stop loss') unless `label` says otherwise. */
export function DistanceField({ at, label, value, optional = true }: { at: DistancePath; label?: string; value: Distance | undefined; optional?: boolean }) {
  const { update } = useBuilder();
  const path = at.split('.');
  const key = pathKey(path);
  const heading = label ?? SPEC_FIELDS[`${at}.value`].group;
  return (
    <div className="col" style={{ gap: 4 }}>
      <div className="row">
        <strong style={{ minWidth: 100 }}>{heading}</strong>
        <select
          aria-label={`${heading} kind`}
          data-testid={`distance-${key}`}
          value={value?.kind ?? 'off'}
          onChange={(event) => {
            const kind = event.target.value;
            update(path, kind === 'percent' ? { kind: 'percent', value: 2 } : kind === 'atr' ? { kind: 'atr', multiple: 2, period: 14 } : undefined);
          }}
        >
          {optional && <option value="off">Off</option>}
          <option value="percent">% of entry</option>
          <option value="atr">× ATR</option>
        </select>
      </div>
      {value?.kind === 'percent' && (
        <div className="fields">
          <NumberField field={SPEC_FIELDS[`${at}.value`]} path={[...path, 'value']} value={value.value} />
        </div>
      )}
      {value?.kind === 'atr' && (
        <div className="fields">
          <NumberField field={SPEC_FIELDS[`${at}.multiple`]} path={[...path, 'multiple']} value={value.multiple} />
          <NumberField field={SPEC_FIELDS[`${at}.period`]} path={[...path, 'period']} value={value.period} />
        </div>
      )}
      <FieldIssues path={path} />
    </div>
  );
}
