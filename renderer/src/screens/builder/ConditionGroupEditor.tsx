import type { ConditionGroup } from '../../api/contract.js';
import { useBuilder } from './builder-context.js';
import { FieldIssues } from './FieldIssues.js';
import { pathKey, type Path } from './spec-edit.js';
import { TriggerEditor } from './TriggerEditor.js';

const NEW_TRIGGER = { kind: 'trigger', left: { kind: 'variable', variable: 'close' }, operator: 'crossesAbove', right: { kind: 'variable', variable: 'sma', params: { period: 20 } } } as const;
const NEW_GROUP = { kind: 'group', mode: 'any', children: [] } as const;

/** A nested all / any / not group of triggers and groups. */
export function ConditionGroupEditor({ group, path, removable }: { group: ConditionGroup; path: Path; removable: boolean }) {
  const { update, remove } = useBuilder();
  const key = pathKey(path);
  return (
    <div className={`group ${group.mode}`} data-testid={`group-${key}`}>
      <div className="row">
        <select aria-label="Group mode" data-testid={`mode-${key}`} value={group.mode} onChange={(event) => update([...path, 'mode'], event.target.value)}>
          <option value="all">All of</option>
          <option value="any">Any of</option>
          <option value="not">None of</option>
        </select>
        <button data-testid={`add-trigger-${key}`} onClick={() => update([...path, 'children', group.children.length], NEW_TRIGGER)}>
          + Trigger
        </button>
        <button data-testid={`add-group-${key}`} onClick={() => update([...path, 'children', group.children.length], NEW_GROUP)}>
          + Group
        </button>
        {removable && (
          <button className="link danger" aria-label="Remove group" data-testid={`remove-${key}`} onClick={() => remove(path)}>
            Remove group
          </button>
        )}
      </div>
      <FieldIssues path={path} />
      <FieldIssues path={[...path, 'children']} />
      {group.children.length === 0 && <span className="muted">Empty: add a trigger.</span>}
      {group.children.map((child, index) =>
        child.kind === 'group' ? (
          <ConditionGroupEditor key={index} group={child} path={[...path, 'children', index]} removable />
        ) : (
          <TriggerEditor key={index} trigger={child} path={[...path, 'children', index]} />
        ),
      )}
    </div>
  );
}
