// The package as users get it: npm pack ships what runs, and a project that installs the tarball can import the
// library with its types and run the bin.
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { ROOT } from '../bench/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

const run = promisify(execFile);
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

describe('the packed package', () => {
  test('ships bin, dist, README and the screenshot; installs; imports Client with types; runs the bin', { timeout: 300_000 }, async () => {
    const dir = await tempDir();
    // The build ran before the tests (npm test), so the pack scripts (which build) are skipped.
    const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    const files = packed!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['bin/im-for-agents.js', 'dist/cli.js', 'dist/index.js', 'dist/index.d.ts', 'dist/ui/index.html', 'dist/ui/app.js']));
    expect(files.filter((f) => !/^(bin|dist)\//.test(f)).sort()).toEqual(['README.md', 'package.json', 'ui/screenshot.png']);
    expect(files.filter((f) => f.endsWith('.map') || (f.endsWith('.ts') && !f.endsWith('.d.ts')))).toEqual([]);

    const app = join(dir, 'app');
    await mkdir(app);
    await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // Its dependencies come from npm's cache (filled by npm ci), the registry only for what is missing there.
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, packed!.filename), '@types/node@20'], { cwd: app });

    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'] }, files: ['use.ts'] }),
    );
    // One compile proves both: the right use type-checks, and a wrong use is an error (an unused @ts-expect-error is
    // an error too, so types that were `any` would fail here).
    const use = `import { Client, type Message } from 'im-for-agents';
const history: Message[] = await new Client({ baseUrl: 'http://127.0.0.1:7331' }).history('room', { limit: 5 });
// @ts-expect-error seq is a number
const seq: string = history[0]!.seq;
export { seq };
`;
    await writeFile(join(app, 'use.ts'), use);
    await run(process.execPath, [TSC, '-p', '.'], { cwd: app });
    const imported = await run(process.execPath, ['--input-type=module', '-e', "const m = await import('im-for-agents'); console.log(Object.keys(m).sort().join(' '))"], { cwd: app });
    expect(imported.stdout.trim().split(' ')).toEqual(expect.arrayContaining(['ApiError', 'Client', 'FileStore', 'createApp', 'listen']));
    const version = await run(join(app, 'node_modules/.bin/im-for-agents'), ['--version'], { cwd: app });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
