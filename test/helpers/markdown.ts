// Reads the project's Markdown (README.md and docs/*.md) for the docs tests: code blocks with their docs-test
// markers, shell commands split as bash would split them, GitHub's heading anchors, links and tables.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** README.md and every page under docs/, as paths relative to the repository. */
export function docPages(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`);
  return ['README.md', ...docs];
}

export const readPage = (page: string): string => readFileSync(join(ROOT, page), 'utf8');

/** What a `<!-- docs-test: ... -->` comment just before a block says about it (directives separated by ';'). */
export interface Marker {
  /** Why the block is not run at all. */
  skip?: string;
  /** Run the block as one script, so a variable set on one line is seen by the next. */
  script: boolean;
  /** Give each command its own fresh room (for blocks whose lines are alternatives that each use the room up). */
  fresh: boolean;
  /** Commands containing the text are not run, with the reason. */
  skipCommands: { text: string; reason: string }[];
  /** Commands containing the text must end with this exit code. */
  exitCodes: { text: string; code: number }[];
}

export interface CodeBlock {
  page: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  body: string;
  marker: Marker;
}

const MARKER = /^<!-- docs-test: (.*) -->$/;

export function parseMarker(text: string): Marker {
  const marker: Marker = { script: false, fresh: false, skipCommands: [], exitCodes: [] };
  for (const part of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    let m: RegExpExecArray | null;
    if ((m = /^skip \((.+)\)$/.exec(part))) marker.skip = m[1];
    else if ((m = /^skip "([^"]+)" \((.+)\)$/.exec(part))) marker.skipCommands.push({ text: m[1]!, reason: m[2]! });
    else if ((m = /^exit (\d+) "([^"]+)"$/.exec(part))) marker.exitCodes.push({ code: Number(m[1]), text: m[2]! });
    else if (part === 'script') marker.script = true;
    else if (part === 'fresh') marker.fresh = true;
    else if (/^link \S+ \(.+\)$/.test(part)) continue; // read by linkExemptions
    else throw new Error(`unknown docs-test directive: "${part}"`);
  }
  return marker;
}

/** Every fenced code block of a page, with the marker on the line before it (blank lines between allowed). */
export function codeBlocks(page: string): CodeBlock[] {
  const lines = readPage(page).split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith('```'); i++) body.push(lines[i]!);
    let before = start - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const markerText = before >= 0 ? MARKER.exec(lines[before]!.trim())?.[1] : undefined;
    blocks.push({ page, line: start + 1, lang: open[1] ?? '', body: body.join('\n'), marker: parseMarker(markerText ?? '') });
  }
  return blocks;
}

/** Links the docs may hold before their target exists: `<!-- docs-test: link TARGET (reason) -->`. */
export function linkExemptions(page: string): Set<string> {
  return new Set([...readPage(page).matchAll(/docs-test: link (\S+) \(/g)].map((m) => m[1]!));
}

/**
 * A shell block's commands as bash reads them: a command ends at a newline outside quotes that no backslash
 * continues; comments (from a `#` that starts a word) are kept in the text but their quotes do not count.
 */
export function shellCommands(body: string): { text: string; line: number }[] {
  const commands: { text: string; line: number }[] = [];
  let current = '';
  let startLine = 0;
  let line = 0;
  let quote: '' | "'" | '"' = '';
  let comment = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (current === '') startLine = line;
    current += c;
    if (c === '\n') {
      line++;
      comment = false;
      if (quote === '' && !/\\\n$/.test(current)) {
        if (current.replace(/#.*$/gm, '').trim() !== '') commands.push({ text: current.trimEnd(), line: startLine });
        current = '';
      }
      continue;
    }
    if (comment) continue;
    if (quote === "'") {
      if (c === "'") quote = '';
    } else if (quote === '"') {
      if (c === '\\') current += body[++i] ?? '';
      else if (c === '"') quote = '';
    } else if (c === '\\' && body[i + 1] !== '\n') current += body[++i] ?? '';
    else if (c === "'" || c === '"') quote = c;
    else if (c === '#' && /(^|\s)$/.test(current.slice(0, -1))) comment = true;
  }
  if (current.replace(/#.*$/gm, '').trim() !== '') commands.push({ text: current.trimEnd(), line: startLine });
  return commands;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes; repeats get -1, -2... */
export function anchors(page: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  let fence = false;
  for (const line of readPage(page).split('\n')) {
    if (line.startsWith('```')) fence = !fence;
    const m = fence ? null : /^#{1,6} (.*)$/.exec(line);
    if (!m) continue;
    const base = m[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\p{M}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

/** Relative links of a page outside code: [text](target) and ![alt](target), with their line. */
export function relativeLinks(page: string): { target: string; line: number }[] {
  const links: { target: string; line: number }[] = [];
  let fence = false;
  readPage(page)
    .split('\n')
    .forEach((text, i) => {
      if (text.startsWith('```')) fence = !fence;
      if (fence) return;
      for (const m of text.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!/^[a-z]+:/i.test(m[1]!)) links.push({ target: m[1]!, line: i + 1 });
      }
    });
  return links;
}

/** The rows of the first Markdown table after a heading, as cells (the header row included). */
export function tableAfter(page: string, heading: string): string[][] {
  const lines = readPage(page).split('\n');
  const at = lines.findIndex((l) => /^#{1,6} /.test(l) && l.replace(/^#+ /, '') === heading);
  if (at < 0) throw new Error(`${page} has no heading "${heading}"`);
  const start = lines.findIndex((l, i) => i > at && l.startsWith('|'));
  const rows: string[][] = [];
  for (let i = start; i < lines.length && lines[i]!.startsWith('|'); i++) {
    if (/^\|[\s-|]+\|$/.test(lines[i]!)) continue;
    rows.push(
      lines[i]!
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    );
  }
  return rows;
}

/** The numbers a text quotes, with thousands separators read ("1,000 (default 100)" is [1000, 100]); numbers inside
 *  words (A2A, 2xx) and link targets are not figures. */
export const numbersIn = (text: string): number[] =>
  [...text.replace(/\]\([^)]*\)/g, ']').matchAll(/(?<![\w.])\d[\d,]*(?:\.\d+)?(?!\w)/g)].map((m) => Number(m[0].replace(/,/g, '')));
