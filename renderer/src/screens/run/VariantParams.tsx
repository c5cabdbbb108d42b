import type { RunInfo, RunSweepVariant } from '../../api/contract.js';
import { variantParamsText } from '../../app/spec-summary.js';

/** The parameters of a run made by a sweep, in the results header: a saved strategy's swept spec paths in the builder's words. */
export function VariantParams({ variant, spec }: { variant: RunSweepVariant; spec: RunInfo['spec'] }) {
  return (
    <span title={`Variant #${variant.index} of ${variant.sweepName}`} data-testid="run-params">
      {variantParamsText(variant, spec)}
    </span>
  );
}
