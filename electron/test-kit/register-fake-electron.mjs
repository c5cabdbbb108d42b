// `node --import ./register-fake-electron.mjs dist/electron/index.js`: resolves the
// bare specifier 'electron' to fake-electron.mjs, leaving every other import alone.
import { registerHooks } from 'node:module';

const fake = new URL('./fake-electron.mjs', import.meta.url).href;
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'electron') return { url: fake, shortCircuit: true };
    return nextResolve(specifier, context);
  },
});
