// writeFileAtomic: whole content, the mode asked for (or kept), no temp file left, and a kill -9 mid-write leaves
// the old file or the new one.
import { spawn } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { atomicTemp, writeFileAtomic } from '../src/atomic-write.js';
import { tempDir } from './helpers/temp-dir.js';

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe('writeFileAtomic', () => {
  test.each([true, false])('writes the whole content and leaves no temp file (fsync %s)', async (fsync) => {
    const dir = await tempDir();
    const path = join(dir, 'state.json');
    await writeFileAtomic(path, 'first\n', { fsync });
    await writeFileAtomic(path, Buffer.from('second\n'), { fsync });
    expect(await readFile(path, 'utf8')).toBe('second\n');
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  test('sets the mode asked for, whatever the umask and a stale temp file from a crash say', async () => {
    const dir = await tempDir();
    const path = join(dir, 'secret');
    await writeFile(atomicTemp(path), 'left by a crash', { mode: 0o644 });
    await chmod(atomicTemp(path), 0o644);
    await writeFileAtomic(path, 'hash\n', { mode: 0o600 });
    expect(await modeOf(path)).toBe(0o600);
    expect(await readFile(path, 'utf8')).toBe('hash\n');
    expect(await readdir(dir)).toEqual(['secret']);
  });

  test('keeps the mode of the file it replaces when none is given', async () => {
    const dir = await tempDir();
    const path = join(dir, 'cursor');
    await writeFile(path, 'old');
    await chmod(path, 0o640);
    await writeFileAtomic(path, 'new');
    expect(await modeOf(path)).toBe(0o640);
    expect(await readFile(path, 'utf8')).toBe('new');
  });

  test('a failed rename leaves the target as it was and removes the temp file', async () => {
    const dir = await tempDir();
    const path = join(dir, 'taken');
    await mkdir(path);
    await writeFile(join(path, 'inside'), 'x');
    await expect(writeFileAtomic(path, 'data')).rejects.toThrow();
    expect((await stat(path)).isDirectory()).toBe(true);
    expect((await readdir(dir)).sort()).toEqual(['taken']);
  });

  test('a write into a missing folder fails and creates nothing', async () => {
    const dir = await tempDir();
    await expect(writeFileAtomic(join(dir, 'no', 'file'), 'data')).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir)).toEqual([]);
  });

  // Starts and kills a writer process several times: a guard against a hang that allows for a busy machine.
  test('kill -9 during writes leaves one whole version, never a mix or a cut', { timeout: 120_000 }, async () => {
    const dir = await tempDir();
    const path = join(dir, 'big.txt');
    const size = 4 * 1024 * 1024;
    const helper = fileURLToPath(new URL('../src/atomic-write.ts', import.meta.url));
    const tsx = createRequire(import.meta.url).resolve('tsx');
    // Writes 4 MB of one letter after another, printing each letter once it is in place.
    const script = `
      const { writeFileAtomic } = await import(${JSON.stringify(helper)});
      for (let i = 0; ; i++) {
        const letter = 'abcdefghij'[i % 10];
        await writeFileAtomic(${JSON.stringify(path)}, letter.repeat(${size}), { fsync: i % 2 === 0 });
        process.stdout.write(letter + '\\n');
      }`;
    for (let kill = 1; kill <= 4; kill++) {
      const child = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // Killed after a different number of completed writes each time, so the kill lands at varied points.
      await new Promise<void>((resolve, reject) => {
        let lines = 0;
        child.stdout.on('data', (chunk: Buffer) => {
          lines += chunk.toString().split('\n').length - 1;
          if (lines >= kill) resolve();
        });
        child.once('exit', () => reject(new Error('the writer exited before it was killed')));
      });
      child.kill('SIGKILL');
      await exited;
      const text = await readFile(path, 'utf8');
      expect(text.length).toBe(size);
      expect(new Set(text).size).toBe(1);
      // At most the one temp file, which the next write replaces.
      expect((await readdir(dir)).filter((f) => f !== 'big.txt').every((f) => f === 'big.txt.tmp')).toBe(true);
    }
  });
});
