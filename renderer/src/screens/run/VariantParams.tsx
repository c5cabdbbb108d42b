import { loadCatalog } from '../../api/catalog.js';
import type { RunInfo, RunSweepVariant } from '../../api/contract.js';
import { useQuery } from '../../api/use-query.js';
import { variableLookup, variantParamsText } from '../../app/spec-summary.js';

/**
 * The parameters of a run made by a sweep, in the results header. A saved strategy's
 * swept spec paths are named in the builder's words once the catalog is in (it names the
 * indicators); until then, and for template parameters, the plain names show.
 */
export function VariantParams({ variant, spec }: { variant: RunSweepVariant; spec: RunInfo['spec'] }) {
  const hasPaths = Object.keys(variant.params).some((name) => name.includes('.'));
  const catalog = useQuery(() => (hasPaths ? loadCatalog() : Promise.resolve(null)), [hasPaths]);
  const named = catalog.data ? { spec, variables: variableLookup(catalog.data.variables) } : undefined;
  return (
    <span title={`Variant #${variant.index} of ${variant.sweepName}`} data-testid="run-params">
      {variantParamsText(variant, named)}
    </span>
  );
}
