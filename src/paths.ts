// Paths inside the installed package, resolved from this module so they hold under npx and from any working directory.
import { fileURLToPath } from 'node:url';

/** The built web UI (tsup writes it next to the CLI bundle). Source and bundle both sit one level below the root. */
export const UI_DIR: string = fileURLToPath(new URL('../dist/ui', import.meta.url));
