// Imported first by main.tsx: ES modules evaluate in import order, so the first screen's
// API calls leave before React and the app's modules are evaluated and rendered, and
// their answers are usually back by the time the screen mounts.
import { startFirstScreenCalls } from './client.js';

const screen = window.location.hash.replace(/^#\/?/, '').split('/')[0] || 'data';
performance.mark('app-boot');
startFirstScreenCalls(screen);
