import { TIMEFRAMES } from '../../../../core/domain/market/timeframe.js';
import { findVariable, VARIABLES } from '../../../../core/domain/strategy/catalog.js';
import { paramLimit } from '../../../../core/domain/strategy/spec-fields.js';
import type { VariableOperand } from '../../api/contract.js';
import { useBuilder } from './builder-context.js';
import { FieldIssues } from './FieldIssues.js';
import { NumberField } from './NumberField.js';
import { pathKey, type Path } from './spec-edit.js';

/** A catalog variable: which one, its output, its parameters (with their ranges) and timeframe. */
export function VariablePicker({ operand, path }: { operand: VariableOperand; path: Path }) {
  const { update } = useBuilder();
  const def = findVariable(operand.variable);
  const key = pathKey(path);

  const choose = (variableId: string): void => {
    const next = findVariable(variableId);
    const params = Object.fromEntries((next?.params ?? []).map((p) => [p.name, p.default]));
    update(path, { kind: 'variable', variable: variableId, ...(next && next.params.length ? { params } : {}) });
  };

  return (
    <div className="row" style={{ alignItems: 'flex-start' }}>
      <div className="field">
        <label>Variable</label>
        <select data-testid={`variable-${key}`} value={operand.variable} onChange={(event) => choose(event.target.value)} title={def?.description}>
          {!def && <option value={operand.variable}>{operand.variable} (unknown)</option>}
          {VARIABLES.map((v) => (
            <option key={v.id} value={v.id}>
              {v.label}
            </option>
          ))}
        </select>
        <FieldIssues path={[...path, 'variable']} />
      </div>
      {def && def.outputs.length > 1 && (
        <div className="field">
          <label>Output</label>
          <select data-testid={`output-${key}`} value={operand.output ?? def.outputs[0]!.id} onChange={(event) => update([...path, 'output'], event.target.value)}>
            {def.outputs.map((o) => (
              <option key={o.id} value={o.id}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
      )}
      {def?.params.map((param) => (
        <div key={param.name} style={{ width: 110 }}>
          <NumberField field={{ label: param.label, limit: paramLimit(param) }} path={[...path, 'params', param.name]} value={operand.params?.[param.name] ?? param.default} />
        </div>
      ))}
      {def && def.kind !== 'position' && (
        <div className="field">
          <label>Timeframe</label>
          <select value={operand.timeframe ?? ''} onChange={(event) => update([...path, 'timeframe'], event.target.value || undefined)}>
            <option value="">Run's</option>
            {TIMEFRAMES.map((tf) => (
              <option key={tf}>{tf}</option>
            ))}
          </select>
          <FieldIssues path={[...path, 'timeframe']} />
        </div>
      )}
    </div>
  );
}
