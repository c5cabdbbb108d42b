// Imported first by main.tsx: ES modules evaluate in import order, so the first screen's
// API calls leave before React and the app's modules are evaluated and rendered, and
// their answers are usually back by the time the screen mounts.
import { api, startFirstScreenCalls } from './client.js';

const screen = window.location.hash.replace(/^#\/?/, '').split('/')[0] || 'data';
performance.mark('app-boot');
// Opening the app is the user at it: running backtests pause while it renders its first
// screen (see app/foreground-activity.ts, which reports the interactions after this).
api()
  .invoke('system/activity', { forMs: 500 })
  .catch(() => undefined);
startFirstScreenCalls(screen);
