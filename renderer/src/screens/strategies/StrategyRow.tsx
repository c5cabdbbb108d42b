import type { RowComponentProps } from 'react-window';
import type { StrategySummary } from '../../api/contract.js';
import { formatTs } from '../../app/format.js';
import { vrowClass } from '../../components/vrow.js';

export const STRATEGY_ROW_HEIGHT = 30;

export interface StrategyRowProps {
  readonly rowAt: (index: number) => StrategySummary | undefined;
  /** Not read: it changes when pages arrive, so rows re-render. */
  readonly version: number;
  readonly selectedId: string | null;
  readonly onSelect: (strategy: StrategySummary) => void;
  readonly onOpen: (id: string) => void;
  readonly onTag: (tag: string) => void;
}

/** One strategy row; a placeholder of the same height until its page is loaded. */
export function StrategyRow({ index, style, ariaAttributes, rowAt, selectedId, onSelect, onOpen, onTag }: RowComponentProps<StrategyRowProps>) {
  const strategy = rowAt(index);
  if (!strategy) {
    return (
      <div className={vrowClass(index, 'muted')} style={style} {...ariaAttributes}>
        …
      </div>
    );
  }
  return (
    <div
      className={vrowClass(index)}
      style={style}
      {...ariaAttributes}
      aria-selected={strategy.id === selectedId}
      data-testid="strategy-row"
      data-name={strategy.name}
      onClick={() => onSelect(strategy)}
      onDoubleClick={() => onOpen(strategy.id)}
    >
      <span style={{ flex: 3 }}>
        {strategy.name}
        {strategy.hasDraft && <span className="muted" title="Has unsaved edits" data-testid="strategy-unsaved"> ●</span>}
      </span>
      <span style={{ flex: 2 }}>
        {strategy.tags.map((tag) => (
          <span
            key={tag}
            className="tag"
            onClick={(event) => {
              event.stopPropagation();
              onTag(tag);
            }}
          >
            {tag}
          </span>
        ))}
      </span>
      <span style={{ width: 150 }} className="muted">
        {formatTs(strategy.updatedAt)}
      </span>
    </div>
  );
}
