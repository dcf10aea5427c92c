// CLI entry point (bundled to dist/cli.js and loaded by bin/im-for-agents.js).
import { processIo } from './io.js';
import { run } from './run.js';

process.exitCode = await run(process.argv.slice(2), processIo());
