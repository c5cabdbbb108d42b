import { SPEC_FIELDS } from '../../../../core/domain/strategy/spec-fields.js';
import type { StrategySpec } from '../../api/contract.js';
import { useBuilder } from './builder-context.js';
import { FieldIssues } from './FieldIssues.js';
import { NumberField } from './NumberField.js';
import { VariablePicker } from './VariablePicker.js';

type Portfolio = NonNullable<StrategySpec['portfolio']>;

const DEFAULT_PORTFOLIO: Portfolio = { maxPositions: 5 };
const DEFAULT_RANKING = { by: { kind: 'variable', variable: 'roc', params: { period: 20 } }, order: 'desc' } as const;

/** The rotation schedules offered, by the select's value. */
const SCHEDULES = {
  bars: { kind: 'bars', bars: 20 },
  day: { kind: 'calendar', period: 'day' },
  week: { kind: 'calendar', period: 'week' },
  month: { kind: 'calendar', period: 'month' },
} as const;

/**
 * How the strategy trades a universe with one account (the Run form picks the universe):
 * the slots (max positions), the ranking that gives free slots to the best entries when
 * more fire, and an optional periodic rotation into the top ones by rank.
 */
export function PortfolioForm({ spec }: { spec: StrategySpec }) {
  const { update } = useBuilder();
  const portfolio = spec.portfolio;
  const rotation = portfolio?.rotation;
  const schedule = rotation ? (rotation.every.kind === 'bars' ? 'bars' : rotation.every.period) : 'none';
  return (
    <section className="panel col" data-testid="portfolio-form">
      <h3>{SPEC_FIELDS['portfolio.maxPositions'].group}</h3>
      <label className="row" style={{ gap: 6 }}>
        <input type="checkbox" data-testid="portfolio-enabled" checked={portfolio !== undefined} onChange={(event) => update(['portfolio'], event.target.checked ? DEFAULT_PORTFOLIO : undefined)} />
        Rules for a universe of instruments (one account, shared cash)
      </label>
      {portfolio && (
        <>
          <div className="fields">
            <NumberField field={SPEC_FIELDS['portfolio.maxPositions']} path={['portfolio', 'maxPositions']} value={portfolio.maxPositions} />
          </div>
          <div className="row" style={{ alignItems: 'flex-start' }}>
            <div className="field">
              <label htmlFor="portfolio-ranking">When more entries fire than there are free slots</label>
              <select
                id="portfolio-ranking"
                data-testid="portfolio-ranking"
                value={portfolio.ranking ? portfolio.ranking.order : 'none'}
                onChange={(event) => {
                  const order = event.target.value;
                  update(['portfolio', 'ranking'], order === 'none' ? undefined : { ...(portfolio.ranking ?? DEFAULT_RANKING), order });
                }}
              >
                <option value="none">take them by symbol</option>
                <option value="desc">rank by a variable, highest first</option>
                <option value="asc">rank by a variable, lowest first</option>
              </select>
            </div>
            {portfolio.ranking && <VariablePicker operand={portfolio.ranking.by} path={['portfolio', 'ranking', 'by']} />}
          </div>
          <FieldIssues path={['portfolio', 'ranking']} />
          <div className="row" style={{ alignItems: 'flex-start' }}>
            <div className="field">
              <label htmlFor="portfolio-rotation">{SPEC_FIELDS['portfolio.rotation.top'].group}</label>
              <select
                id="portfolio-rotation"
                data-testid="portfolio-rotation"
                value={schedule}
                onChange={(event) => {
                  const value = event.target.value as keyof typeof SCHEDULES | 'none';
                  update(['portfolio', 'rotation'], value === 'none' ? undefined : { every: SCHEDULES[value], top: rotation?.top ?? portfolio.maxPositions });
                }}
              >
                <option value="none">none: hold until an exit</option>
                <option value="bars">every N bars</option>
                <option value="day">each day (UTC)</option>
                <option value="week">each week (Monday, UTC)</option>
                <option value="month">each month (UTC)</option>
              </select>
            </div>
            {rotation?.every.kind === 'bars' && (
              <NumberField field={SPEC_FIELDS['portfolio.rotation.every.bars']} path={['portfolio', 'rotation', 'every', 'bars']} value={rotation.every.bars} />
            )}
            {rotation && <NumberField field={SPEC_FIELDS['portfolio.rotation.top']} path={['portfolio', 'rotation', 'top']} value={rotation.top} />}
          </div>
          <FieldIssues path={['portfolio', 'rotation']} />
          <FieldIssues path={['portfolio']} />
        </>
      )}
    </section>
  );
}
