import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Resolved from this file, not the working directory, so the build works from anywhere.
// (No node:url here: this file sits under renderer/, where Node modules are not allowed.)
const fromHere = (relative: string): string => {
  const path = decodeURIComponent(new URL(relative, import.meta.url).pathname);
  return /^\/[A-Za-z]:\//.test(path) ? path.slice(1) : path; // Windows drive paths
};

// Relative base: the same bundle is loaded from file:// in Electron and from the web server's root.
export default defineConfig({
  root: fromHere('.'),
  base: './',
  plugins: [react()],
  build: {
    outDir: fromHere('../dist/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
});
