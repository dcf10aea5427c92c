// Option parsers: what each accepts, and the one usage line each gives for what it refuses.
import { describe, expect, test } from 'vitest';
import { CliError } from '../../src/cli/io.js';
import { parsePort, parseSeconds, parseWholeNumber } from '../../src/cli/options.js';

describe('option parsers', () => {
  test.each([
    ['0', 0],
    ['7331', 7331],
    ['65535', 65535],
  ])('--port %s is %i', (raw, port) => {
    expect(parsePort('--port')(raw)).toBe(port);
  });

  test.each(['99999', '65536', '-1', '80.5', 'http', ''])('--port %j is a usage error naming the range', (raw) => {
    const parse = () => parsePort('--port')(raw);
    expect(parse).toThrow(CliError);
    expect(parse).toThrow(expect.objectContaining({ exitCode: 2, message: `--port must be a port number from 0 to 65535 (got "${raw}")` }));
  });

  test.each([
    [parseWholeNumber('--lines'), '12', 12],
    [parseSeconds('--timeout'), '0.5', 0.5],
  ])('%#: accepts plain numbers', (parse, raw, value) => {
    expect(parse(raw)).toBe(value);
  });
});
