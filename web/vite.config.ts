import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * Builds the chat page into dist/web, which Moat serves from its own origin. Every asset is
 * a file of its own: nothing is inlined as a data: URI and nothing inline needs a CSP
 * exception, so the page runs under `default-src 'self'` without `unsafe-inline`.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
});
