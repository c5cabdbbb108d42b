/**
 * Largest number of variants one sweep or one walk-forward window may plan: the server
 * refuses more (sweep-args.ts), and the Optimize form says so before Start.
 */
export const MAX_SWEEP_VARIANTS = 200_000;
