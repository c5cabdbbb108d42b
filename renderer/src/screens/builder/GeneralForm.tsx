import { MAX_STRATEGY_NAME_LENGTH } from '../../../../core/domain/strategy/limits.js';
import type { StrategySpec } from '../../api/contract.js';
import { useBuilder } from './builder-context.js';
import { FieldIssues } from './FieldIssues.js';

/** Name and traded direction. */
export function GeneralForm({ spec }: { spec: StrategySpec }) {
  const { update } = useBuilder();
  const length = spec.name.trim().length;
  const over = length > MAX_STRATEGY_NAME_LENGTH;
  return (
    <section className="panel row" style={{ alignItems: 'flex-start' }}>
      <div className="field grow" style={{ minWidth: 0 }}>
        <label htmlFor="spec-name">
          Name{' '}
          <span className={over ? 'bad' : 'muted'} data-testid="name-length">
            ({length}/{MAX_STRATEGY_NAME_LENGTH})
          </span>
        </label>
        <input id="spec-name" data-testid="field-name" value={spec.name} aria-invalid={over} onChange={(event) => update(['name'], event.target.value)} />
        <FieldIssues path={['name']} local={over ? `At most ${MAX_STRATEGY_NAME_LENGTH} characters: this name has ${length}.` : null} />
      </div>
      <div className="field">
        <label htmlFor="spec-direction">Direction</label>
        <select
          id="spec-direction"
          data-testid="field-direction"
          value={spec.direction}
          onChange={(event) => update(['direction'], event.target.value)}
        >
          <option value="long">Long only</option>
          <option value="short">Short only</option>
          <option value="both">Long and short</option>
        </select>
        <FieldIssues path={['direction']} />
      </div>
    </section>
  );
}
