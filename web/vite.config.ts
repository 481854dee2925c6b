// SPDX-License-Identifier: MIT
/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite'
import vue from '@vitejs/plugin-vue'

// The page is split: the entry holds what the first view needs, and every other view, task kind
// part and language is a chunk of its own, loaded by import() when it is first shown. The Qt side
// compiles whatever lands in dist/ into its resources (web/CMakeLists.txt lists it after the
// build), so the chunks' names may carry hashes.

// Chromium 102 is what QtWebEngine 6.4 ships; nothing newer may reach the bundle.
const TARGET = 'chrome102'

// index.html carries the strict CSP the app serves. The dev server injects component styles as
// <style> elements, which that policy forbids, so `npm run dev` (only) relaxes style-src.
function devCspRelaxation(): Plugin {
  return {
    name: 'conduit-dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      return html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    },
  }
}

export default defineConfig({
  base: '/',
  publicDir: false,
  plugins: [vue(), devCspRelaxation()],
  define: {
    // Vue feature flags: Composition API only, no devtools hooks in the shipped bundle.
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
  },
  build: {
    target: TARGET,
    cssTarget: TARGET,
    outDir: 'dist',
    assetsDir: 'assets',
    // A chunk's deps are fetched together when it is imported; Chromium 102 needs no polyfill.
    modulePreload: { polyfill: false },
    // Any asset is inlined as a data: URL (CSP allows data: images); none is emitted as a file.
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    sourcemap: false,
    reportCompressedSize: false,
    rolldownOptions: {
      // Vue in a chunk of its own, which the first view and every chunk share.
      output: { codeSplitting: { groups: [{ name: 'vendor', test: /node_modules/ }] } },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/__tests__/**/*.test.ts'],
    restoreMocks: true,
    // The suite runs beside native builds on two cores: a DOM-heavy test (a 1000-row console)
    // was seen taking 7 s there, past Vitest's 5 s default. A hang still fails, after 30 s.
    testTimeout: 30_000,
  },
})
