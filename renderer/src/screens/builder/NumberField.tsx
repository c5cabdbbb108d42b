import { useEffect, useId, useState } from 'react';
import { useBuilder } from './builder-context.js';
import { FieldIssues } from './FieldIssues.js';
import { pathKey, type Path } from './spec-edit.js';

export interface NumberFieldProps {
  readonly label: string;
  readonly path: Path;
  readonly value: number | undefined;
  readonly min?: number;
  readonly max?: number;
  readonly step?: number;
  readonly integer?: boolean;
  /** Called with the parsed number; the spec is updated at `path` when absent. */
  readonly onChange?: (value: number) => void;
}

/**
 * A number input bound to a spec path. Keeps the typed text locally so half-typed input
 * ('1.', '-') is not fought; any finite number goes to the spec at once so the validator
 * can say what is wrong with it, next to the field.
 */
export function NumberField({ label, path, value, min, max, step, integer, onChange }: NumberFieldProps) {
  const { update } = useBuilder();
  const id = useId();
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const [local, setLocal] = useState<string | null>(null);

  // Follow outside changes (undo, discard draft) unless the text already means that value.
  useEffect(() => {
    if (value === undefined ? text !== '' : Number(text) !== value) setText(value === undefined ? '' : String(value));
  }, [value]);

  const key = pathKey(path);
  const hasRange = min !== undefined && max !== undefined;
  return (
    <div className="field">
      <label htmlFor={id} title={hasRange ? `${min} … ${max}, step ${step ?? 'any'}` : undefined}>
        {label}
        {hasRange && <span className="muted"> ({min}–{max})</span>}
      </label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        data-testid={`field-${key}`}
        value={text}
        min={min}
        max={max}
        step={step ?? (integer ? 1 : 'any')}
        aria-invalid={local !== null}
        onChange={(event) => {
          const next = event.target.value;
          setText(next);
          const parsed = Number(next);
          if (next.trim() === '' || !Number.isFinite(parsed)) {
            setLocal('Enter a number.');
            return;
          }
          // The range is known here: say so at once, before the validator's answer arrives.
          setLocal(min !== undefined && max !== undefined && (parsed < min || parsed > max) ? `Must be between ${min} and ${max}.` : integer && !Number.isInteger(parsed) ? 'Must be a whole number.' : null);
          if (onChange) onChange(parsed);
          else update(path, parsed);
        }}
      />
      <FieldIssues path={path} local={local} />
    </div>
  );
}
