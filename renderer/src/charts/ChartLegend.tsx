import { themeColor, useThemeName } from '../app/use-theme.js';

/** One entry of a chart legend: a marker glyph or a line swatch in its colour (a theme token or a colour), and its words. */
export interface LegendItem {
  readonly label: string;
  readonly colour: string;
  /** A marker's glyph; none for a line. */
  readonly symbol?: string;
}

/** A legend row under a chart: what each glyph and line means. */
export function ChartLegend({ items, testId }: { items: readonly LegendItem[]; testId?: string }) {
  useThemeName(); // theme tokens are read again on a switch
  const colour = (c: string): string => (c.startsWith('--') ? themeColor(c) : c);
  return (
    <div className="row chart-legend" data-testid={testId} style={{ gap: 12, fontSize: 12, flexWrap: 'wrap' }}>
      {items.map((item) => (
        <span key={`${item.symbol ?? 'line'}:${item.label}`} className="row" style={{ gap: 4 }} data-testid="legend-item">
          {item.symbol ? (
            <span style={{ color: colour(item.colour), fontWeight: 700 }}>{item.symbol}</span>
          ) : (
            <span style={{ display: 'inline-block', width: 14, height: 2, background: colour(item.colour) }} />
          )}
          {item.label}
        </span>
      ))}
    </div>
  );
}
