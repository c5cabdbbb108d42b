// First: starts the first screen's API calls (see boot.ts).
import './api/boot.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './app/styles.css';
import { App, SCREEN_PRELOADS } from './app/App.js';
import { earlyCallsSettled } from './api/early-calls.js';
import { reportForegroundActivity } from './app/foreground-activity.js';
import { primeAfterFirstScreen } from './app/first-screen-priming.js';

/** How long the first render may wait for the first screen's answers (the server is usually back in 10-30 ms). */
const FIRST_RENDER_WAIT_MS = 200;

reportForegroundActivity();
primeAfterFirstScreen(SCREEN_PRELOADS);

// The first render waits briefly for the first screen's early answers, so it shows them:
// one render, layout and paint with the data instead of a "Loading" frame and then a second.
void earlyCallsSettled(FIRST_RENDER_WAIT_MS).then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
