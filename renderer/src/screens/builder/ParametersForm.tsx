import { useEffect, useState } from 'react';
import { canonicalSpecPath, parameterValue, PARAMETER_NAME, removeParameter, renameParameter } from '../../../../core/domain/strategy/parameters.js';
import { parsePath } from '../../../../core/domain/optimize/spec-path.js';
import type { SpecParameter, StrategySpec } from '../../api/contract.js';
import { specPathLabel } from '../../app/spec-summary.js';
import { useBuilder } from './builder-context.js';
import { FieldIssues } from './FieldIssues.js';
import type { Path } from './spec-edit.js';

/**
 * The strategy's named parameters: each one's name (renamed here), its value (set here for
 * every field it names) and where it is used. A number is named with the '#' beside it.
 */
export function ParametersForm({ spec }: { spec: StrategySpec }) {
  const parameters = spec.parameters ?? [];
  return (
    <section className="panel col" data-testid="parameters-form">
      <h3>Parameters</h3>
      {parameters.length === 0 ? (
        <span className="muted">None. Name a number with the # beside it to use it in several places and to optimize it by name.</span>
      ) : (
        parameters.map((parameter, index) => <ParameterRow key={index} spec={spec} parameter={parameter} index={index} />)
      )}
    </section>
  );
}

function ParameterRow({ spec, parameter, index }: { spec: StrategySpec; parameter: SpecParameter; index: number }) {
  const { update } = useBuilder();
  const [name, setName] = useState(parameter.name);
  useEffect(() => setName(parameter.name), [parameter.name]);
  const taken = name !== parameter.name && (spec.parameters ?? []).some((p) => p.name === name);
  const problem = !PARAMETER_NAME.test(name) ? 'A letter or _ first, then letters, digits or _ (40 at most).' : taken ? `There is a parameter "${name}" already.` : null;
  const rename = (): void => {
    if (problem || name === parameter.name) return;
    update([], renameParameter(spec, parameter.name, name));
  };
  const first = parameter.paths[0];
  const firstPath = first === undefined ? null : canonicalSpecPath(first);
  return (
    <div className="row" style={{ alignItems: 'flex-start' }} data-testid="parameter-row" data-name={parameter.name}>
      <div className="field" style={{ width: 140 }}>
        <label htmlFor={`parameter-${index}`} title={parameter.label}>
          Name{parameter.label ? <span className="muted"> ({parameter.label})</span> : null}
        </label>
        <input
          id={`parameter-${index}`}
          data-testid={`parameter-name-${parameter.name}`}
          value={name}
          aria-invalid={problem !== null}
          onChange={(event) => setName(event.target.value.trim())}
          onBlur={rename}
          onKeyDown={(event) => event.key === 'Enter' && rename()}
        />
        {problem ? <div className="field-error">{problem}</div> : <FieldIssues path={['parameters', index, 'name']} />}
      </div>
      {firstPath !== null && <ParameterValue name={parameter.name} path={parsePath(firstPath)} value={parameterValue(spec, parameter)} />}
      <div className="field grow">
        <label>Used in</label>
        <span data-testid={`parameter-uses-${parameter.name}`}>{parameter.paths.map((path) => specPathLabel(spec, path)).join(' · ')}</span>
        <FieldIssues path={['parameters', index, 'paths']} />
        {parameter.paths.map((_, j) => (
          <FieldIssues key={j} path={['parameters', index, 'paths', j]} />
        ))}
      </div>
      <button className="link danger" data-testid={`parameter-remove-${parameter.name}`} title="Forget the name; every field keeps its number" onClick={() => update([], removeParameter(spec, parameter.name))}>
        Remove name
      </button>
    </div>
  );
}

/**
 * The parameter's value: typed here, it goes to its first field, which sets every field of
 * the parameter; what is wrong with it is said next to those fields.
 */
function ParameterValue({ name, path, value }: { name: string; path: Path; value: number | undefined }) {
  const { update } = useBuilder();
  const [text, setText] = useState(value === undefined ? '' : String(value));
  useEffect(() => {
    if (value !== undefined && Number(text) !== value) setText(String(value));
  }, [value]);
  const parsed = Number(text);
  const bad = text.trim() === '' || !Number.isFinite(parsed);
  return (
    <div className="field" style={{ width: 100 }}>
      <label htmlFor={`parameter-value-${name}`}>Value</label>
      <input
        id={`parameter-value-${name}`}
        type="number"
        inputMode="decimal"
        step="any"
        data-testid={`parameter-value-${name}`}
        value={text}
        aria-invalid={bad}
        onChange={(event) => {
          setText(event.target.value);
          const next = Number(event.target.value);
          if (event.target.value.trim() !== '' && Number.isFinite(next)) update(path, next);
        }}
      />
    </div>
  );
}
