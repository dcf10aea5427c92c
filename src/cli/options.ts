// The global options every client command reads (--server, --as, --key, --connect-timeout), and the option parsers.
import type { Command } from 'commander';
import { CliError } from './io.js';

export interface GlobalOptions {
  server?: string;
  as?: string;
  key?: string;
  connectTimeout?: number;
}

export function globals(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals<GlobalOptions>();
}

export function parseWholeNumber(name: string, min = 0) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)) || Number(raw) < min) {
      throw new CliError(`${name} must be a whole number${min > 0 ? ` of ${min} or more` : ''} (got "${raw}")`, 2);
    }
    return Number(raw);
  };
}

/** A TCP port: 0 (any free port) to 65535. */
export function parsePort(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n > 65535) throw new CliError(`${name} must be a port number from 0 to 65535 (got "${raw}")`, 2);
    return n;
  };
}

export function parseSeconds(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || !Number.isFinite(n)) throw new CliError(`${name} must be a number of seconds (got "${raw}")`, 2);
    return n;
  };
}

/** Repeatable, comma-separable list option: --to a --to b,c */
export function collectNames(value: string, previous: string[] = []): string[] {
  return previous.concat(value.split(',').map((s) => s.trim()).filter(Boolean));
}
