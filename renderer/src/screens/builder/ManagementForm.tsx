import { SPEC_FIELDS } from '../../../../core/domain/strategy/spec-fields.js';
import type { Management } from '../../api/contract.js';
import { useBuilder } from './builder-context.js';
import { DistanceField } from './DistanceField.js';
import { NumberField } from './NumberField.js';

/** Stops, targets, trailing stop, time exit, pyramiding and partial exits. */
export function ManagementForm({ management }: { management: Management }) {
  const { update } = useBuilder();
  const base = ['management'] as const;
  const trailing = SPEC_FIELDS['management.trailingStop.activationPct'].group;
  return (
    <section className="panel col" data-testid="management-form">
      <h3>Exits and management</h3>
      <DistanceField at="management.stopLoss" value={management.stopLoss} />
      <DistanceField at="management.takeProfit" value={management.takeProfit} />
      <div className="row">
        <strong style={{ minWidth: 100 }}>{trailing}</strong>
        <input
          type="checkbox"
          aria-label={trailing}
          checked={management.trailingStop !== undefined}
          onChange={(event) => update([...base, 'trailingStop'], event.target.checked ? { distance: { kind: 'percent', value: 2 }, activationPct: 0 } : undefined)}
        />
      </div>
      {management.trailingStop && (
        <div style={{ paddingLeft: 16 }} className="col">
          <DistanceField at="management.trailingStop.distance" label="Trail by" value={management.trailingStop.distance} optional={false} />
          <div className="fields">
            <NumberField field={SPEC_FIELDS['management.trailingStop.activationPct']} path={[...base, 'trailingStop', 'activationPct']} value={management.trailingStop.activationPct} />
          </div>
        </div>
      )}
      <div className="fields">
        <NumberField
          field={SPEC_FIELDS['management.timeExitBars']}
          path={[...base, 'timeExitBars']}
          value={management.timeExitBars ?? 0}
          onChange={(bars) => update([...base, 'timeExitBars'], bars === 0 ? undefined : bars)}
        />
        <NumberField
          field={SPEC_FIELDS['management.pyramiding.maxAdds']}
          withGroup
          path={[...base, 'pyramiding', 'maxAdds']}
          value={management.pyramiding?.maxAdds ?? 0}
          onChange={(adds) => update([...base, 'pyramiding'], adds === 0 ? undefined : { maxAdds: adds, spacingPct: management.pyramiding?.spacingPct ?? 1 })}
        />
        {management.pyramiding && (
          <NumberField field={SPEC_FIELDS['management.pyramiding.spacingPct']} path={[...base, 'pyramiding', 'spacingPct']} value={management.pyramiding.spacingPct} />
        )}
        <NumberField
          field={SPEC_FIELDS['management.partialExit.atProfitPct']}
          withGroup
          path={[...base, 'partialExit', 'atProfitPct']}
          value={management.partialExit?.atProfitPct ?? 0}
          onChange={(pct) => update([...base, 'partialExit'], pct === 0 ? undefined : { atProfitPct: pct, fraction: management.partialExit?.fraction ?? 0.5 })}
        />
        {management.partialExit && (
          <NumberField field={SPEC_FIELDS['management.partialExit.fraction']} path={[...base, 'partialExit', 'fraction']} value={management.partialExit.fraction} />
        )}
      </div>
    </section>
  );
}
