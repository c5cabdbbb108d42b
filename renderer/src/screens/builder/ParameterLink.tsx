import { useState } from 'react';
import { formatSpecPath, PARAMETER_NAME } from '../../../../core/domain/strategy/parameters.js';
import { useBuilder } from './builder-context.js';
import { pathKey, type Path } from './spec-edit.js';

const NEW = '\u0000new';

/**
 * Beside a number field: the parameter it belongs to (its name, a click to change it), or a
 * button to name it. Named, the number is a parameter (core/domain/strategy/parameters.ts):
 * set once for every field it is linked to, optimized and reported by its name.
 */
export function ParameterLink({ path, value }: { path: Path; value: number | undefined }) {
  const { parameters, link, unlink } = useBuilder();
  const key = pathKey(path);
  const at = formatSpecPath(path);
  const current = parameters.find((p) => p.paths.includes(at));
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState('');
  const [name, setName] = useState('');
  const problem =
    choice !== NEW ? null : name === '' ? 'Type a name.' : !PARAMETER_NAME.test(name) ? 'A letter or _ first, then letters, digits or _.' : parameters.some((p) => p.name === name) ? `"${name}" exists: pick it above.` : null;

  const start = (): void => {
    setChoice(current?.name ?? (parameters.length > 0 ? '' : NEW));
    setName('');
    setOpen(true);
  };
  const apply = (): void => {
    if (problem || value === undefined) return;
    if (choice === '') unlink(path);
    else link(path, choice === NEW ? name : choice, value);
    setOpen(false);
  };

  return (
    <>
      <button
        type="button"
        className={current ? 'tag param-tag' : 'link param-link'}
        data-testid={`link-${key}`}
        title={current ? `Parameter “${current.name}”: one value for its ${current.paths.length} field${current.paths.length === 1 ? '' : 's'}. Click to change.` : 'Name this number (a parameter): use it in several places, optimize it by name'}
        onClick={() => (open ? setOpen(false) : start())}
      >
        {current ? current.name : '#'}
      </button>
      {open && (
        <div className="param-editor" data-testid={`link-editor-${key}`} onKeyDown={(event) => event.key === 'Enter' && apply()}>
          <select aria-label="Parameter" data-testid={`link-choice-${key}`} value={choice} onChange={(event) => setChoice(event.target.value)}>
            <option value="">Not a parameter</option>
            {parameters.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
            <option value={NEW}>New parameter…</option>
          </select>
          {choice === NEW && <input aria-label="Parameter name" data-testid={`link-name-${key}`} placeholder="fast" value={name} autoFocus onChange={(event) => setName(event.target.value.trim())} />}
          <button type="button" data-testid={`link-apply-${key}`} disabled={problem !== null} onClick={apply}>
            OK
          </button>
          {problem && name !== '' && <div className="field-error">{problem}</div>}
        </div>
      )}
    </>
  );
}
