// `migrate --from DIR|redis://... --to DIR|redis://...`: copies a whole store, then checks each room's count and
// SHA-256; a progress bar on a terminal, one line per room otherwise. Safe to rerun.
import type { Command } from 'commander';
import { CliError, type CliIo } from '../io.js';

interface MigrateFlags {
  from: string;
  to: string;
  batch?: number;
}

export function registerMigrate(program: Command, io: CliIo): void {
  program
    .command('migrate')
    .description('copy a whole store (rooms, keys, agents, cursors, messages, webhooks) to another, then verify it')
    .requiredOption('--from <store>', 'the store to copy: a data folder or redis://[user:pass@]HOST:PORT[/DB]; stop its servers first')
    .requiredOption('--to <store>', 'where to copy it: a data folder or a redis:// URL; rooms already there and complete are skipped')
    .action(async (flags: MigrateFlags) => {
      const { migrate } = await import('../../migrate/migrate.js');
      const { openStoreAt, storeFailure } = await import('../../migrate/store-at.js');
      const { progressLine, terminalBar } = await import('../progress.js');
      const { resolve } = await import('node:path');
      if (resolve(flags.from) === resolve(flags.to)) throw new CliError('--from and --to name the same store.', 2);
      const opened = [];
      try {
        const from = await openStoreAt(flags.from, { mustExist: true });
        opened.push(from);
        const to = await openStoreAt(flags.to, { mustExist: false });
        opened.push(to);
        const bar = io.errInteractive ? terminalBar(io.err) : undefined;
        const result = await migrate({
          from: from.store,
          to: to.store,
          fromHooks: from.hooks,
          toHooks: to.hooks,
          onProgress: (p) => {
            const text = `${p.roomsDone}/${p.rooms} rooms  ${p.messagesDone.toLocaleString('en')}/${p.messages.toLocaleString('en')} messages`;
            if (bar) return bar.draw(progressLine(p.messagesDone, p.messages, text));
            const o = p.outcome;
            if (o) io.err(`room ${o.roomId} (${o.messages} messages): ${o.status === 'differs' ? `DIFFERS: ${o.problem}` : `${o.status}, ${o.copied} copied`}\n`);
          },
        });
        bar?.done();
        for (const o of result.differs) io.err(`error: room ${o.roomId} ("${o.name}") differs after the copy: ${o.problem}\n`);
        const copied = result.rooms.reduce((n, o) => n + o.copied, 0);
        const what = `${result.rooms.length} rooms, ${result.messages} messages (${copied} copied by this run), ${result.hooks} new webhooks from ${from.label} to ${to.label}`;
        if (result.differs.length > 0) throw new CliError(`${result.differs.length} of ${result.rooms.length} rooms differ (listed above); ${what}.`);
        io.out(`migrated ${what}; every room's count and SHA-256 match\n`);
      } catch (err) {
        const failure = storeFailure(err);
        if (failure !== undefined) throw new CliError(failure);
        throw err;
      } finally {
        for (const side of opened.reverse()) await side.close();
      }
    });
}
