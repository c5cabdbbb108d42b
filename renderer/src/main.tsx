// First: starts the first screen's API calls (see boot.ts).
import './api/boot.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './app/styles.css';
import { App } from './app/App.js';
import { reportForegroundActivity } from './app/foreground-activity.js';
import { primeAfterFirstScreen } from './app/first-screen-priming.js';

reportForegroundActivity();
primeAfterFirstScreen();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
