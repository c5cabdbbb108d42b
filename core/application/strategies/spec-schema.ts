import { z } from 'zod';
import { TIMEFRAMES } from '../../domain/market/timeframe.js';
import { OPERATORS, SPEC_VERSION, type Condition, type ConditionGroup, type StrategySpec } from '../../domain/strategy/spec.js';

/**
 * Structural schema of the strategy spec JSON: shapes and types, with paths. Meaning
 * (catalog ids, ranges, comparisons) is checked by validateSpec in the domain. Objects
 * are strict so a misspelt key is reported instead of silently dropped.
 */
const finite = z.number();
const params = z.record(z.string(), finite);

export const variableOperandSchema = z.strictObject({
  kind: z.literal('variable'),
  variable: z.string().min(1),
  params: params.optional(),
  output: z.string().min(1).optional(),
  timeframe: z.enum(TIMEFRAMES).optional(),
});

export const constantOperandSchema = z.strictObject({ kind: z.literal('constant'), value: finite });

export const operandSchema = z.discriminatedUnion('kind', [variableOperandSchema, constantOperandSchema]);

export const triggerSchema = z.strictObject({
  kind: z.literal('trigger'),
  left: variableOperandSchema,
  operator: z.enum(OPERATORS),
  right: operandSchema.optional(),
  bars: finite.optional(),
});

export const conditionGroupSchema: z.ZodType<ConditionGroup> = z.lazy(() =>
  z.strictObject({
    kind: z.literal('group'),
    mode: z.enum(['all', 'any', 'not']),
    children: z.array(conditionSchema),
  }),
);

// The recursive group schema is typed as a plain ZodType (recursion needs the annotation),
// which hides its 'kind' from discriminatedUnion's typing; at run time zod reads the
// discriminator through the lazy schema, so the cast only silences the type checker.
export const conditionSchema: z.ZodType<Condition> = z.lazy(() => z.discriminatedUnion('kind', [triggerSchema, conditionGroupSchema as never]));

const distanceSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('percent'), value: finite }),
  z.strictObject({ kind: z.literal('atr'), multiple: finite, period: finite }),
]);

const sideConditionsSchema = z.strictObject({ long: conditionGroupSchema.optional(), short: conditionGroupSchema.optional() });

export const strategySpecSchema = z.strictObject({
  version: z.literal(SPEC_VERSION),
  name: z.string(),
  direction: z.enum(['long', 'short', 'both']),
  entry: sideConditionsSchema,
  exit: sideConditionsSchema,
  management: z.strictObject({
    stopLoss: distanceSchema.optional(),
    takeProfit: distanceSchema.optional(),
    trailingStop: z.strictObject({ distance: distanceSchema, activationPct: finite }).optional(),
    timeExitBars: finite.optional(),
    pyramiding: z.strictObject({ maxAdds: finite, spacingPct: finite }).optional(),
    partialExit: z.strictObject({ atProfitPct: finite, fraction: finite }).optional(),
  }),
  sizing: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('fixedQuantity'), quantity: finite }),
    z.strictObject({ kind: z.literal('fixedCash'), cash: finite }),
    z.strictObject({ kind: z.literal('percentEquity'), percent: finite }),
    z.strictObject({ kind: z.literal('equalWeight') }),
  ]),
  costs: z.strictObject({ commissionPct: finite, commissionFixed: finite, slippageBps: finite }),
  initialCash: finite,
  portfolio: z
    .strictObject({
      maxPositions: finite,
      ranking: z.strictObject({ by: variableOperandSchema, order: z.enum(['desc', 'asc']) }).optional(),
      rotation: z
        .strictObject({
          every: z.discriminatedUnion('kind', [
            z.strictObject({ kind: z.literal('bars'), bars: finite }),
            z.strictObject({ kind: z.literal('calendar'), period: z.enum(['day', 'week', 'month']) }),
          ]),
          top: finite,
        })
        .optional(),
      universe: z.union([z.strictObject({ symbols: z.array(z.string()).max(10_000) }), z.strictObject({ tag: z.string().max(64) })]).optional(),
    })
    .optional(),
  acceptedWarnings: z.array(z.string()).optional(),
  parameters: z.array(z.strictObject({ name: z.string(), label: z.string().max(200).optional(), paths: z.array(z.string()).max(1000) })).max(200).optional(),
}) satisfies z.ZodType<StrategySpec>;

/** Formats a zod issue path like the domain validator: 'entry.long.children[0].right'. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}
