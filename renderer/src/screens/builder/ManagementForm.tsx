import type { Management } from '../../api/contract.js';
import { useBuilder } from './builder-context.js';
import { DistanceField } from './DistanceField.js';
import { NumberField } from './NumberField.js';

/** Stops, targets, trailing stop, time exit, pyramiding and partial exits. */
export function ManagementForm({ management }: { management: Management }) {
  const { update, limits } = useBuilder();
  const base = ['management'] as const;
  return (
    <section className="panel col" data-testid="management-form">
      <h3>Exits and management</h3>
      <DistanceField label="Stop loss" path={[...base, 'stopLoss']} value={management.stopLoss} />
      <DistanceField label="Take profit" path={[...base, 'takeProfit']} value={management.takeProfit} />
      <div className="row">
        <strong style={{ minWidth: 100 }}>Trailing stop</strong>
        <input
          type="checkbox"
          aria-label="Trailing stop"
          checked={management.trailingStop !== undefined}
          onChange={(event) => update([...base, 'trailingStop'], event.target.checked ? { distance: { kind: 'percent', value: 2 }, activationPct: 0 } : undefined)}
        />
      </div>
      {management.trailingStop && (
        <div style={{ paddingLeft: 16 }} className="col">
          <DistanceField label="Trail by" path={[...base, 'trailingStop', 'distance']} value={management.trailingStop.distance} optional={false} />
          <div className="fields">
            <NumberField label="Activate at profit %" path={[...base, 'trailingStop', 'activationPct']} value={management.trailingStop.activationPct} limit={limits.trailingActivationPct} />
          </div>
        </div>
      )}
      <div className="fields">
        <NumberField
          label="Time exit (bars, 0 = off)"
          path={[...base, 'timeExitBars']}
          value={management.timeExitBars ?? 0}
          limit={limits.timeExitBars}
          zeroIsOff
          onChange={(bars) => update([...base, 'timeExitBars'], bars === 0 ? undefined : bars)}
        />
        <NumberField
          label="Pyramiding: max adds (0 = off)"
          path={[...base, 'pyramiding', 'maxAdds']}
          value={management.pyramiding?.maxAdds ?? 0}
          limit={limits.pyramidingMaxAdds}
          onChange={(adds) => update([...base, 'pyramiding'], adds === 0 ? undefined : { maxAdds: adds, spacingPct: management.pyramiding?.spacingPct ?? 1 })}
        />
        {management.pyramiding && (
          <NumberField label="Add spacing %" path={[...base, 'pyramiding', 'spacingPct']} value={management.pyramiding.spacingPct} limit={limits.pyramidingSpacingPct} />
        )}
        <NumberField
          label="Partial exit at profit % (0 = off)"
          path={[...base, 'partialExit', 'atProfitPct']}
          value={management.partialExit?.atProfitPct ?? 0}
          limit={limits.partialExitAtProfitPct}
          zeroIsOff
          onChange={(pct) => update([...base, 'partialExit'], pct === 0 ? undefined : { atProfitPct: pct, fraction: management.partialExit?.fraction ?? 0.5 })}
        />
        {management.partialExit && (
          <NumberField label="Fraction closed" path={[...base, 'partialExit', 'fraction']} value={management.partialExit.fraction} limit={limits.partialExitFraction} />
        )}
      </div>
    </section>
  );
}
