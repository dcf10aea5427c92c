// Build config: the CLI and library for Node 20+, and the web UI for browsers into dist/ui.
import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    splitting: true,
    noExternal: ['commander', 'chalk'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  },
  {
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    sourcemap: true,
  },
  {
    entry: { app: 'ui/src/main.ts' },
    outDir: 'dist/ui',
    publicDir: 'ui/public',
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
  },
]);
