/**
 * Checkboxes over instruments, for a universe picked by hand (the Run form and the
 * Optimize form): `picked` holds the ticked symbols in the order they were ticked.
 */
export function InstrumentPicker(props: { testId: string; legend: string; symbols: readonly string[]; picked: readonly string[]; setPicked: (update: (picked: readonly string[]) => string[]) => void }) {
  const { testId, legend, symbols, picked, setPicked } = props;
  return (
    <fieldset className="row" data-testid={`${testId}-picker`} style={{ flexWrap: 'wrap', gap: 12 }}>
      <legend className="muted">{legend}</legend>
      {symbols.map((symbol) => (
        <label key={symbol} className="row" style={{ gap: 4 }}>
          <input
            type="checkbox"
            data-testid={`${testId}-${symbol}`}
            checked={picked.includes(symbol)}
            onChange={(event) => setPicked((p) => (event.target.checked ? [...p, symbol] : p.filter((x) => x !== symbol)))}
          />
          {symbol}
        </label>
      ))}
    </fieldset>
  );
}
