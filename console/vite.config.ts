/**
 * Builds the operator console (console/) into dist/console/web/, which the gateway serves at /console.
 * dist/console/ itself also holds the compiled server code of src/console/, so the UI gets its own folder
 * that the build may empty.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const consoleRoot = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root: consoleRoot,
  base: "/console/",
  // The console loads nothing from elsewhere: no CDN, works offline.
  publicDir: false,
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: fileURLToPath(new URL("../dist/console/web", import.meta.url)),
    emptyOutDir: true,
    // The page's only script is the module bundle: nothing inline, so the CSP can forbid inline scripts.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 400,
    reportCompressedSize: false,
  },
});
