import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The console is built into dist/console, which the app serves at /console/ (after `nest build`). */
export default defineConfig({
  root: here,
  base: '/console/',
  publicDir: false,
  // Preact's automatic JSX runtime; no Babel needed.
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  resolve: { alias: { react: 'preact/compat', 'react-dom': 'preact/compat' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // A module script and a stylesheet of our own: no inline script for the CSP to allow.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
