import type { Distance } from '../../api/contract.js';
import { useBuilder } from './builder-context.js';
import { FieldIssues } from './FieldIssues.js';
import { NumberField } from './NumberField.js';
import { pathKey, type Path } from './spec-edit.js';

/** An optional distance from entry: off, a percentage, or a multiple of ATR. */
export function DistanceField({ label, path, value, optional = true }: { label: string; path: Path; value: Distance | undefined; optional?: boolean }) {
  const { update, limits } = useBuilder();
  const key = pathKey(path);
  return (
    <div className="col" style={{ gap: 4 }}>
      <div className="row">
        <strong style={{ minWidth: 100 }}>{label}</strong>
        <select
          aria-label={`${label} kind`}
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
          <NumberField label="Percent" path={[...path, 'value']} value={value.value} limit={limits.distancePercent} />
        </div>
      )}
      {value?.kind === 'atr' && (
        <div className="fields">
          <NumberField label="Multiple" path={[...path, 'multiple']} value={value.multiple} limit={limits.distanceAtrMultiple} />
          <NumberField label="ATR period" path={[...path, 'period']} value={value.period} limit={limits.distanceAtrPeriod} />
        </div>
      )}
      <FieldIssues path={path} />
    </div>
  );
}
