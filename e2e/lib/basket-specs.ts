// The momentum strategy the portfolio specs run over the demo basket, as a spec's JSON.
const sma = (period: number) => ({ kind: 'variable', variable: 'sma', params: { period } });
const close = { kind: 'variable', variable: 'close' };

/**
 * Long while the close is above its 50-bar SMA, out below its 100-bar SMA; `slots`
 * positions of equal weight, entries ranked by 48-bar rate of change; with `weekly`, a
 * rotation each week into the top `slots`.
 */
export function basketMomentum(name: string, slots: number, options: { weekly?: boolean } = {}) {
  return {
    version: 1,
    name,
    direction: 'long',
    entry: { long: { kind: 'group', mode: 'all', children: [{ kind: 'trigger', left: close, operator: '>', right: sma(50) }] } },
    exit: { long: { kind: 'group', mode: 'all', children: [{ kind: 'trigger', left: close, operator: '<', right: sma(100) }] } },
    management: {},
    sizing: { kind: 'equalWeight' },
    costs: { commissionPct: 0.05, commissionFixed: 0, slippageBps: 2 },
    initialCash: 100_000,
    portfolio: {
      maxPositions: slots,
      ranking: { by: { kind: 'variable', variable: 'roc', params: { period: 48 } }, order: 'desc' },
      ...(options.weekly ? { rotation: { every: { kind: 'calendar', period: 'week' }, top: slots } } : {}),
    },
  };
}
