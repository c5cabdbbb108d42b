import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Direction, StrategySpec } from '../strategy/spec.js';
import { buildTemplate, listTemplates, type TemplateBase } from '../strategy/templates.js';
import { sliceBars } from '../market/bars.js';
import { createBacktest, runBacktest } from './backtest.js';
import { dataSets, RULES, STOPS } from '../test-kit/template-data.js';
import { hashRunInputs } from './run-hash.js';
import type { BacktestInput, BacktestResult } from './types.js';

/**
 * The net under the engine: every built-in template, each direction, and two management
 * variants (stop + ATR target + trailing stop with fixed costs; time exit + partial exit
 * + pyramiding), over a seeded synthetic set (15-minute bars with the 1-minute magnifier)
 * and two real fixtures (EUR/USD hourly, GOOG daily, one with warm-up bars). Each row
 * pins the run hash (inputs) and a digest of every output byte (equity, drawdown, trades,
 * markers, open position, metrics), with the trade count and final equity written out.
 * The figures were computed by the engine before it was split into strategy, execution
 * and account (issue 15); any change to a fill, a fee or a decision changes a digest.
 */

interface Case {
  readonly id: string;
  readonly input: BacktestInput;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const data of dataSets()) {
    const variants: [string, Direction, TemplateBase][] = [
      ['long', 'long', {}],
      ['short', 'short', {}],
      ['both', 'both', {}],
      ['both+stops', 'both', STOPS],
      ['both+rules', 'both', RULES],
    ];
    for (const template of listTemplates()) {
      for (const [variant, direction, base] of variants) {
        const spec: StrategySpec = buildTemplate(template.id, {}, { ...base, direction });
        out.push({
          id: `${data.name} ${template.id} ${variant}`,
          input: {
            spec,
            instrument: data.instrument,
            timeframe: data.timeframe,
            bars: data.bars,
            ...(data.magnifierBars ? { magnifierBars: data.magnifierBars } : {}),
            ...(data.warmUpBars ? { warmUpBars: data.warmUpBars } : {}),
          },
        });
      }
    }
  }
  return out;
}

/** 16 hex digits of SHA-256 over every output: equity and drawdown bytes, then the rest as JSON (doubles round-trip exactly). */
function outputDigest(r: BacktestResult): string {
  const h = createHash('sha256');
  h.update(new Uint8Array(r.equity.buffer, r.equity.byteOffset, r.equity.byteLength));
  h.update(new Uint8Array(r.drawdownPct.buffer, r.drawdownPct.byteOffset, r.drawdownPct.byteLength));
  h.update(JSON.stringify([r.trades, r.markers, r.openPosition, r.metrics, r.barsProcessed, r.warmUpBars]));
  return h.digest('hex').slice(0, 16);
}

/** [case id, run hash (inputs), output digest, trades, final equity]. */
type Row = readonly [string, string, string, number, number];

function rowOf(c: Case): Row {
  const r = runBacktest(c.input);
  return [c.id, hashRunInputs(c.input), outputDigest(r), r.metrics.tradeCount, r.metrics.finalEquity];
}

// prettier-ignore
const EXPECTED: readonly Row[] = [
  ["demo-btc-15m sma-cross long","b5af39e0753a5fcc","0510ac9bd8c94170",52,9499.710163434582],
  ["demo-btc-15m sma-cross short","b8758ccd5040d1d4","07b8aff8ea614efb",53,7785.811145013682],
  ["demo-btc-15m sma-cross both","ec04fb374ac38b31","ee95e0cf525a6726",105,7396.289370020477],
  ["demo-btc-15m sma-cross both+stops","96bc05f08d52e7aa","0531e9d1619afc0a",105,8610.089419363068],
  ["demo-btc-15m sma-cross both+rules","dd916c28972bd88e","0df4de6eccbfa5a0",150,9082.391201309109],
  ["demo-btc-15m ema-cross long","8fcf6b5929d7a9f4","73858f65ece28123",47,9836.527830246492],
  ["demo-btc-15m ema-cross short","51b9124feaaa0b6e","a51f7228e74b61f6",48,8057.671697861975],
  ["demo-btc-15m ema-cross both","35a7ac81e414b083","61ef2c0d98f6732f",95,7925.973102001273],
  ["demo-btc-15m ema-cross both+stops","a88ba3425338be5c","baf7c4a458a4609f",95,8582.494551575457],
  ["demo-btc-15m ema-cross both+rules","6d0885841c25a574","747381c55d69dd47",133,9151.825900961587],
  ["demo-btc-15m rsi-mean-reversion long","3e4947403cfae5cb","a371d29a936e6442",9,11129.293266423996],
  ["demo-btc-15m rsi-mean-reversion short","e208120b19112657","9eccd1e243f27d68",9,9259.151838936008],
  ["demo-btc-15m rsi-mean-reversion both","183c9b608f168c6c","aa509bb954caa1c6",18,10304.757765568695],
  ["demo-btc-15m rsi-mean-reversion both+stops","2592023f9ce18629","c6418d233f62e77f",48,9370.629419247522],
  ["demo-btc-15m rsi-mean-reversion both+rules","c381967bffb087ad","afb9cf9abccc2eaa",59,9998.671733945186],
  ["demo-btc-15m bollinger-breakout long","0c3c5706d42b35f7","aede6c1eb8d35200",48,9742.1836221407],
  ["demo-btc-15m bollinger-breakout short","a9c9e0cfe8a37bf2","2910fc877d33cf9b",49,8377.74009290719],
  ["demo-btc-15m bollinger-breakout both","05864aba234c8c74","b2f45f48213280a3",97,8161.7454465702895],
  ["demo-btc-15m bollinger-breakout both+stops","dc40e66145725b8b","d6ded350fc43dbe5",110,9088.31191555866],
  ["demo-btc-15m bollinger-breakout both+rules","1cabb9b354a8cf39","cccf4e0f1abd6a8a",129,8939.008172046399],
  ["demo-btc-15m macd-trend long","0035ff856601e51c","176cccbbafe2fd3e",44,8467.244209501901],
  ["demo-btc-15m macd-trend short","751834f262c17610","556ea7f4ea7ce0b0",36,8851.510072894596],
  ["demo-btc-15m macd-trend both","26c0e5389d324a58","1ec23c3d402d8b45",80,7494.79127064541],
  ["demo-btc-15m macd-trend both+stops","8e12dfaf83347835","0343cbbd3ef7783a",80,7995.540529275849],
  ["demo-btc-15m macd-trend both+rules","27ff807f596d5b91","b31b73865d8fa562",92,8976.021895705599],
  ["demo-btc-15m donchian-atr long","58f2b36d17c292c8","3be065f49800ad5b",71,8975.07046943301],
  ["demo-btc-15m donchian-atr short","da6459e24bf0c690","f26b03aeb42af844",70,7692.1198037947115],
  ["demo-btc-15m donchian-atr both","5df5a66b853b2606","f69f40a028f6beed",141,6903.753206801396],
  ["demo-btc-15m donchian-atr both+stops","d308a7975a692f7d","50854d2cdd8a1085",178,7088.430062531294],
  ["demo-btc-15m donchian-atr both+rules","6e0b4231a64150e3","9da3675d2c03673c",177,8106.645972720055],
  ["eurusd-1h sma-cross long","5c04a53294f33edc","e5c2f0df4f73a4a4",79,9010.858808300012],
  ["eurusd-1h sma-cross short","313ff77e12000578","aeed262ad71f1bb8",79,7982.740266410002],
  ["eurusd-1h sma-cross both","f9ad358d0f89e987","4bbdb33be3dd4c0a",158,7193.096738049998],
  ["eurusd-1h sma-cross both+stops","1ade9f0e11b04a3a","c9833f0f38270c76",158,8199.005253464962],
  ["eurusd-1h sma-cross both+rules","e869da8aa257c34e","8f681d2b433b21bb",172,8752.659166979998],
  ["eurusd-1h ema-cross long","03baa8f72c31be18","3ae59af6178d8d9f",75,9219.338131170009],
  ["eurusd-1h ema-cross short","914ee72ffc58d93e","cd1426aa9fa918b3",75,8169.578713879992],
  ["eurusd-1h ema-cross both","d0e2a1ad762d895d","2a7508cad173dc75",150,7531.844849230015],
  ["eurusd-1h ema-cross both+stops","156472afea354eb0","c61163a44277d76e",151,8372.399256034989],
  ["eurusd-1h ema-cross both+rules","1700591f6bcee160","51d7a1804455d625",165,8884.713447940012],
  ["eurusd-1h rsi-mean-reversion long","abbc06c249c1b96d","7d04450b95da4775",20,10083.914692550004],
  ["eurusd-1h rsi-mean-reversion short","e866391e280b4f7d","f7af7f28d4670144",20,8904.890907430003],
  ["eurusd-1h rsi-mean-reversion both","8f745c73ef8753b8","108f80793a98f88d",40,8979.598858750007],
  ["eurusd-1h rsi-mean-reversion both+stops","574ef2f20eb38233","50a800edcaaf8e2f",55,9437.67554748498],
  ["eurusd-1h rsi-mean-reversion both+rules","9147bfe858014aef","845646ec8d68cf0b",75,9333.037279199996],
  ["eurusd-1h bollinger-breakout long","6f06ba65ad2c0839","19bdb840f8ccf20e",98,8639.284664969997],
  ["eurusd-1h bollinger-breakout short","60e9a8bc6c3c39ae","9f0c0b34bdd011e5",91,7912.861869829998],
  ["eurusd-1h bollinger-breakout both","1a6414442bacb468","ca1009bf67eb493d",189,6836.136253480024],
  ["eurusd-1h bollinger-breakout both+stops","b39806421982fba5","a83a58899e7efb64",211,7539.939545344981],
  ["eurusd-1h bollinger-breakout both+rules","e8322d8e3d5594fb","46070bcdb68d28f7",197,8341.12712181001],
  ["eurusd-1h macd-trend long","6bc11aefc2ce3a44","52119754d9972ae0",81,8777.361227290006],
  ["eurusd-1h macd-trend short","8f0ffe6a80899790","7099c7cded42769b",56,8544.571808430002],
  ["eurusd-1h macd-trend both","8392a065d11876a8","fbbafacfd133f786",137,7499.877527979992],
  ["eurusd-1h macd-trend both+stops","eabb095dd6c5683b","607a2ddced7af54a",137,8171.930170814982],
  ["eurusd-1h macd-trend both+rules","5d1ea4abbff6e727","fa7d1aba5831b1b8",142,8917.783008720013],
  ["eurusd-1h donchian-atr long","756da9b838900598","781286f8b7510c16",126,8453.065434879965],
  ["eurusd-1h donchian-atr short","231c93542126422c","04bbf8c7d432e592",125,7189.689801109998],
  ["eurusd-1h donchian-atr both","6bd4cffc7ae17d72","1ee1de85bbaef37a",245,6137.30943882003],
  ["eurusd-1h donchian-atr both+stops","1a9c74f5e63bb9f7","ad350650548df453",294,6880.609422279964],
  ["eurusd-1h donchian-atr both+rules","324d7a286beacff1","70f0e3bb62b5fa49",258,7845.800492940018],
  ["goog-1d sma-cross long","59f5d03a119d34e7","421d42580219c9e3",32,53646.76171000003],
  ["goog-1d sma-cross short","05dcdace24654483","025f46d68eb0d7f5",33,8364.718650000024],
  ["goog-1d sma-cross both","e56d92d1a69c14e6","e4d0d2f70ba7a043",65,44980.176710000036],
  ["goog-1d sma-cross both+stops","e1bb64387ba18111","8fc42744cc07d90b",66,11253.41655999999],
  ["goog-1d sma-cross both+rules","ce69f04ea5bfd76d","c6d5e093e10aac65",121,13724.760300000027],
  ["goog-1d ema-cross long","68f2295809b31f53","e581a11d2f27bf38",24,52494.89264999999],
  ["goog-1d ema-cross short","0ec1af23d3ee472d","6ad5fa8ccae94c9a",25,9131.03568],
  ["goog-1d ema-cross both","3342bfd06a459aa8","51180e2e057cb01d",49,47278.02226000001],
  ["goog-1d ema-cross both+stops","cd4ef7c4c4f0fc8b","9abafeb71c9cc54c",50,13211.766189999988],
  ["goog-1d ema-cross both+rules","324b097ff21a648b","582b3d71d566fcc0",95,16308.721650000001],
  ["goog-1d rsi-mean-reversion long","ad472d4026247bc8","8dfc9fe84e24dd31",9,15382.634539999994],
  ["goog-1d rsi-mean-reversion short","cae3ca18adee0f80","7c2d7cee3c6b4610",1,-10870.8082],
  ["goog-1d rsi-mean-reversion both","4ec8bc1d8921e64b","f772de6e340e1795",1,-10870.8082],
  ["goog-1d rsi-mean-reversion both+stops","547398a8be01eb6a","fcaa45432f9007a4",85,6400.946529999989],
  ["goog-1d rsi-mean-reversion both+rules","0a020354ffdefdee","a9851c4b72ea57cd",68,6126.627180000002],
  ["goog-1d bollinger-breakout long","af350fde22c67f44","01e0bef383acf91e",37,35087.00994000002],
  ["goog-1d bollinger-breakout short","810504a356f882dd","d1fe14e3a897ecbd",39,4084.874219999991],
  ["goog-1d bollinger-breakout both","a1a0196efee0b89b","9cf204b69bdd3944",76,14339.61015],
  ["goog-1d bollinger-breakout both+stops","5744f5b582a4a098","11745fcf3b79cb2e",130,9951.387920000008],
  ["goog-1d bollinger-breakout both+rules","62119f0a5c7332f2","48a477741087ef85",143,9611.877910000017],
  ["goog-1d macd-trend long","1744546d5c6106bf","5f26f61f09dd4f3b",42,10676.640959999997],
  ["goog-1d macd-trend short","7a81f1795352057b","b12ed2613b9c30ca",15,11241.135129999999],
  ["goog-1d macd-trend both","fe541ad4545fb45b","e24db97b8bd26277",57,12030.575130000003],
  ["goog-1d macd-trend both+stops","9dc0a2b5330a02e2","2588221668b66e29",57,9968.712374999996],
  ["goog-1d macd-trend both+rules","47e6ea3134a1b486","191286b0cbd740f0",98,11320.497529999984],
  ["goog-1d donchian-atr long","92160ac08369a08b","6ee436e7913c5315",47,52565.39279000003],
  ["goog-1d donchian-atr short","e06d69dada44150f","ab94302571825999",47,5273.443050000001],
  ["goog-1d donchian-atr both","a9cd22919de94419","7284c504abbe638a",94,27142.143100000005],
  ["goog-1d donchian-atr both+stops","1d64176bba680f86","ecb5e67764621be2",339,10823.39770000002],
  ["goog-1d donchian-atr both+rules","38c3217757773ffc","ce4b6c92d640ca57",180,13548.580769999988],
];

describe('every template run, pinned (the net under the engine split)', () => {
  const all = cases();

  it('lists a row for every template, direction and variant on every data set', () => {
    expect(EXPECTED.map((r) => r[0])).toEqual(all.map((c) => c.id));
    for (const template of listTemplates()) expect(all.filter((c) => c.id.includes(` ${template.id} `))).toHaveLength(15);
  });

  it('every case trades, and the stops and rules variants exit by every rule', () => {
    for (const row of EXPECTED) expect(row[3], row[0]).toBeGreaterThan(0);
    const reasons = new Set<string>();
    for (const c of all.filter((x) => x.id.endsWith('+stops') || x.id.endsWith('+rules'))) for (const t of runBacktest(c.input).trades) reasons.add(t.exitReason);
    expect([...reasons].sort()).toEqual(['partialExit', 'reversal', 'signal', 'stopLoss', 'takeProfit', 'timeExit', 'trailingStop']);
  });

  for (const c of all) {
    it(c.id, () => {
      const expected = EXPECTED.find((r) => r[0] === c.id);
      expect(rowOf(c)).toEqual(expected);
    });
  }
});

describe("keep: 'equity' and 'metrics' (the app's runs keep no drawdown array; a sweep's variant nothing but metrics)", () => {
  // JSON of the metrics: every double round-trips, so equal strings are equal bits.
  const metricsJson = (r: BacktestResult) => JSON.stringify(r.metrics);
  const bytes = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

  for (const c of cases()) {
    it(`${c.id}: the same metrics, bit for bit, whole and in uneven chunks`, () => {
      const full = runBacktest(c.input);
      const stored = runBacktest({ ...c.input, keep: 'equity' });
      expect(metricsJson(stored)).toBe(metricsJson(full));
      expect(bytes(stored.equity)).toEqual(bytes(full.equity));
      expect([stored.trades, stored.markers, stored.openPosition]).toEqual([full.trades, full.markers, full.openPosition]);
      expect(stored.drawdownPct.length).toBe(0);
      const lean = runBacktest({ ...c.input, keep: 'metrics' });
      expect(metricsJson(lean)).toBe(metricsJson(full));
      expect([lean.trades.length, lean.markers.length, lean.equity.length, lean.drawdownPct.length]).toEqual([0, 0, 0, 0]);
      expect(lean.barsProcessed).toBe(full.barsProcessed);
      expect(lean.openPosition).toEqual(full.openPosition);
      // Streamed: chunk edges fall inside and across the engine's 4,096-bar blocks.
      const { bars, magnifierBars, ...config } = c.input;
      for (const keep of ['equity', 'metrics'] as const) {
        const session = createBacktest({ ...config, keep });
        const n = bars.ts.length;
        for (let from = 0, k = 0; from < n; k++) {
          const to = Math.min(n, from + 777 + 5000 * (k % 2));
          session.onChunk(sliceBars(bars, from, to), magnifierBars);
          from = to;
        }
        const streamed = session.finish();
        expect(metricsJson(streamed), keep).toBe(metricsJson(full));
        if (keep === 'equity') expect(bytes(streamed.equity)).toEqual(bytes(full.equity));
      }
    });
  }
});

// Prints the table (BWS_PRINT_TEMPLATE_RUNS=1) to refresh EXPECTED after a deliberate change
// to the engine's outputs (and ENGINE_VERSION).
if (process.env['BWS_PRINT_TEMPLATE_RUNS'] === '1') {
  const lines = cases().map((c) => `  ${JSON.stringify(rowOf(c))},`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
