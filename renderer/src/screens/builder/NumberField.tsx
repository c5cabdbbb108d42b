import { useEffect, useId, useState } from 'react';
import { limitViolation, type NumberLimit } from '../../../../core/domain/strategy/limits.js';
import { groupedLabel, type FieldWords } from '../../../../core/domain/strategy/spec-fields.js';
import { useBuilder } from './builder-context.js';
import { FieldIssues } from './FieldIssues.js';
import { pathKey, type Path } from './spec-edit.js';
import { formatBound } from '../../app/format.js';

/**
 * What a number field is and allows, as the domain says it: a row of SPEC_FIELDS, a catalog
 * parameter's label with `paramLimit`, or only a label (a constant compared with: unbounded).
 */
export interface NumberFieldInfo extends Pick<FieldWords, 'label' | 'unit'> {
  readonly group?: string;
  readonly help?: string;
  /** The allowed values: what the validator enforces. */
  readonly limit?: NumberLimit;
  /** 0 turns the setting off (time exit, pyramiding): accepted although below the limit. */
  readonly zeroIsOff?: boolean;
}

export interface NumberFieldProps {
  readonly field: NumberFieldInfo;
  /** Say the field's group in its label ('Pyramiding: max adds'): where no heading above says it. */
  readonly withGroup?: boolean;
  readonly path: Path;
  readonly value: number | undefined;
  /** Called with the parsed number; the spec is updated at `path` when absent. */
  readonly onChange?: (value: number) => void;
}

/** Returns what is wrong with `value` for `limit` (the validator's own rule, said at once), or null. */
function localProblem(value: number, limit: NumberLimit | undefined, zeroIsOff: boolean): string | null {
  if (!limit || (zeroIsOff && value === 0)) return null;
  const violation = limitViolation(value, limit);
  return violation && `${violation[0]!.toUpperCase()}${violation.slice(1)}.`;
}

/**
 * A number input bound to a spec path. Keeps the typed text locally so half-typed input
 * ('1.', '-') is not fought; any finite number goes to the spec at once so the validator
 * can say what is wrong with it, next to the field. Text that is no number (blank) is
 * reported to the builder, which then counts a problem and blocks saving.
 */
export function NumberField({ field, withGroup = false, path, value, onChange }: NumberFieldProps) {
  const { limit, zeroIsOff = false } = field;
  const { update, reportUnparsed } = useBuilder();
  const id = useId();
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const [local, setLocal] = useState<string | null>(null);
  const key = pathKey(path);

  // Follow outside changes (undo, discard draft) unless the text already means that value.
  useEffect(() => {
    if (value === undefined ? text !== '' : Number(text) !== value) setText(value === undefined ? '' : String(value));
  }, [value]);

  const unparsed = text.trim() === '' || !Number.isFinite(Number(text));
  useEffect(() => {
    reportUnparsed(key, unparsed);
  }, [key, unparsed, reportUnparsed]);
  // A field that goes away (stop loss set to Off) takes its problem with it.
  useEffect(() => () => reportUnparsed(key, false), [key, reportUnparsed]);

  const min = limit ? (zeroIsOff ? 0 : limit.min) : undefined;
  const hint = [field.unit, zeroIsOff ? '0 = off' : undefined, limit ? rangeText(limit, zeroIsOff) : undefined].filter((part) => part !== undefined);
  const title = [field.help, limit ? `${min} … ${limit.max}, step ${limit.step}${zeroIsOff ? ' (0 = off)' : ''}` : undefined].filter((part) => part !== undefined).join(' ');
  return (
    <div className="field">
      <label htmlFor={id} title={title || undefined}>
        {withGroup ? groupedLabel(field) : field.label}
        {hint.length > 0 && (
          <span className="muted">
            {' '}
            ({hint.join(', ')})
          </span>
        )}
      </label>
      <input
        id={id}
        type="number"
        inputMode="decimal"
        data-testid={`field-${key}`}
        value={text}
        min={min}
        max={limit?.max}
        step={limit ? limit.step : 'any'}
        aria-invalid={unparsed || local !== null}
        onChange={(event) => {
          const next = event.target.value;
          setText(next);
          const parsed = Number(next);
          if (next.trim() === '' || !Number.isFinite(parsed)) {
            setLocal(null);
            return;
          }
          // The limit is known here: say so at once, before the validator's answer arrives.
          setLocal(localProblem(parsed, limit, zeroIsOff));
          if (onChange) onChange(parsed);
          else update(path, parsed);
        }}
      />
      <FieldIssues path={path} local={unparsed ? 'Enter a number.' : local} localOnly={unparsed} />
    </div>
  );
}

/** The allowed values as the label says them; a field where 0 turns the rule off says only its top (after "0 = off"). */
function rangeText(limit: NumberLimit, zeroIsOff: boolean): string {
  if (zeroIsOff) return `up to ${formatBound(limit.max)}`;
  return limit.aboveMin ? `above ${formatBound(limit.min)}, up to ${formatBound(limit.max)}` : `${formatBound(limit.min)}–${formatBound(limit.max)}`;
}
