// Build config: the CLI and library for Node 20+, and the web UI for browsers into dist/ui.
import { defineConfig } from 'tsup';

export default defineConfig([
  // The CLI: one file holds the program, the client commands, commander and chalk, since each further ES module is a
  // file to read at start-up; a command loaded with import() (serve) becomes a chunk that only it loads, with what every
  // server needs bundled in (hono, its Node adapter, lowdb, zod: about 200 files that took 0.28 s of a 0.62 s start).
  // The protocol SDKs and the Redis client stay packages, loaded on first use. Bundled
  // CommonJS (commander) calls require(), which ES modules lack: the banner gives them one. Chunk names change
  // with their content, so this build first removes the old ones (not the library's files or the UI, built beside
  // it at the same time), which npm pack would otherwise ship.
  {
    entry: { cli: 'src/cli/main.ts' },
    clean: ['!index.*', '!ui/**'],
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    splitting: true,
    noExternal: ['commander', 'chalk', 'hono', '@hono/node-server', 'lowdb', 'steno', 'zod'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  },
  // The library (`import { Client } from 'im-for-agents'`), with its type declarations.
  {
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    dts: true,
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
