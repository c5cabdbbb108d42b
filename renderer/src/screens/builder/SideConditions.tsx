import type { ConditionGroup, StrategySpec } from '../../api/contract.js';
import { useBuilder } from './builder-context.js';
import { ConditionGroupEditor } from './ConditionGroupEditor.js';
import { FieldIssues } from './FieldIssues.js';

const EMPTY_GROUP = { kind: 'group', mode: 'all', children: [] } as const;

/** Entry or exit conditions for the sides the strategy trades. */
export function SideConditions({ spec, which }: { spec: StrategySpec; which: 'entry' | 'exit' }) {
  const { update } = useBuilder();
  const sides = spec.direction === 'both' ? (['long', 'short'] as const) : ([spec.direction] as const);
  return (
    <section className="panel col" data-testid={`${which}-conditions`}>
      <h3>{which === 'entry' ? 'Entry' : 'Exit'} conditions</h3>
      {sides.map((side) => {
        const group: ConditionGroup | undefined = spec[which][side];
        return (
          <div key={side} className="col" style={{ gap: 4 }}>
            <strong>{side === 'long' ? 'Long' : 'Short'}</strong>
            {group ? (
              <ConditionGroupEditor group={group} path={[which, side]} removable={which === 'exit'} />
            ) : (
              <div className="row">
                <span className="muted">{which === 'exit' ? 'No signal exit (stops and targets still apply).' : 'No entry rule.'}</span>
                <button data-testid={`add-${which}-${side}`} onClick={() => update([which, side], EMPTY_GROUP)}>
                  Add conditions
                </button>
              </div>
            )}
            {/* A group's editor shows the issues at its own path; without one they show here. */}
            {!group && <FieldIssues path={[which, side]} />}
          </div>
        );
      })}
      <FieldIssues path={[which]} />
    </section>
  );
}
