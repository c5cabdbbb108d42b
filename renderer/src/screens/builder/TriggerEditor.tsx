import { TRIGGER_BARS_FIELD } from '../../../../core/domain/strategy/spec-fields.js';
import { OPERATORS } from '../../../../core/domain/strategy/spec.js';
import type { Operator, Trigger } from '../../api/contract.js';
import { OPERATOR_PHRASES } from '../../app/spec-summary.js';
import { useBuilder } from './builder-context.js';
import { FieldIssues } from './FieldIssues.js';
import { NumberField } from './NumberField.js';
import { pathKey, type Path } from './spec-edit.js';
import { VariablePicker } from './VariablePicker.js';

const OPERATOR_LABELS: Record<Operator, string> = { ...OPERATOR_PHRASES, risingFor: 'rises for N bars', fallingFor: 'falls for N bars' };
const COUNT_OPERATORS: readonly Operator[] = ['risingFor', 'fallingFor'];

/** One trigger: `left operator right`, or `left rises/falls for N bars`. */
export function TriggerEditor({ trigger, path }: { trigger: Trigger; path: Path }) {
  const { update, remove } = useBuilder();
  const key = pathKey(path);
  const counting = COUNT_OPERATORS.includes(trigger.operator);

  const setOperator = (operator: Operator): void => {
    if (COUNT_OPERATORS.includes(operator)) update(path, { kind: 'trigger', left: trigger.left, operator, bars: trigger.bars ?? 3 });
    else update(path, { kind: 'trigger', left: trigger.left, operator, right: trigger.right ?? { kind: 'constant', value: 0 } });
  };

  return (
    <div className="trigger" data-testid="trigger" data-path={key}>
      <div className="row" style={{ justifyContent: 'space-between' }}>
        <VariablePicker operand={trigger.left} path={[...path, 'left']} />
        <button className="link danger" aria-label="Remove trigger" data-testid={`remove-${key}`} onClick={() => remove(path)}>
          ✕
        </button>
      </div>
      <div className="row">
        <select aria-label="Operator" data-testid={`operator-${key}`} value={trigger.operator} onChange={(event) => setOperator(event.target.value as Operator)}>
          {OPERATORS.map((op) => (
            <option key={op} value={op}>
              {OPERATOR_LABELS[op]}
            </option>
          ))}
        </select>
        {!counting && (
          <select
            aria-label="Compare with"
            data-testid={`right-kind-${key}`}
            value={trigger.right?.kind ?? 'constant'}
            onChange={(event) =>
              update([...path, 'right'], event.target.value === 'constant' ? { kind: 'constant', value: 0 } : { kind: 'variable', variable: 'sma', params: { period: 20 } })
            }
          >
            <option value="constant">a number</option>
            <option value="variable">a variable</option>
          </select>
        )}
      </div>
      {counting ? (
        <div style={{ width: 140 }}>
          <NumberField field={TRIGGER_BARS_FIELD} path={[...path, 'bars']} value={trigger.bars} />
        </div>
      ) : trigger.right?.kind === 'variable' ? (
        <VariablePicker operand={trigger.right} path={[...path, 'right']} />
      ) : (
        <div style={{ width: 140 }}>
          <NumberField field={{ label: 'Value' }} path={[...path, 'right', 'value']} value={trigger.right?.value} />
        </div>
      )}
      <FieldIssues path={path} />
      <FieldIssues path={[...path, 'right']} />
    </div>
  );
}
