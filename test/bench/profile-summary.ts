// Summarises a V8 .cpuprofile (node --cpu-prof): self and total time by function, the top rows, as text.
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Line {
  name: string;
  selfMs: number;
  totalMs: number;
}

const label = ({ functionName, url, lineNumber }: CallFrame): string => {
  const file = url.replace(/^.*\/(node_modules\/)?/, '').replace(/^file:\/\//, '');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
};

/** Self and total milliseconds per function (a function counted once per sample however often it recurses). */
export function summarise(profile: Profile): { lines: Line[]; totalMs: number } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    const node = byId.get(id);
    if (!node) return;
    const name = label(node.callFrame);
    self.set(name, (self.get(name) ?? 0) + ms);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const n = label(byId.get(at)!.callFrame);
      if (seen.has(n)) continue;
      seen.add(n);
      total.set(n, (total.get(n) ?? 0) + ms);
    }
  });
  const lines = [...total].map(([name, t]) => ({ name, selfMs: self.get(name) ?? 0, totalMs: t }));
  return { lines, totalMs };
}

/** The top `n` rows by self time and by total time, each as a share of the busy (not idle) time; with `requests`, also
 *  as microseconds per request. */
export function report(profile: Profile, n = 30, requests?: number): string {
  const { lines, totalMs } = summarise(profile);
  const busyMs = totalMs - (lines.find((l) => l.name === '(idle)')?.selfMs ?? 0);
  const pct = (ms: number) =>
    `${((ms / busyMs) * 100).toFixed(1).padStart(5)}%${requests ? ` ${((ms * 1000) / requests).toFixed(1).padStart(6)} µs` : ''}`;
  const rows = (sorted: Line[], pick: (l: Line) => number) =>
    sorted.filter((l) => l.name !== '(idle)').slice(0, n).map((l) => `${pct(pick(l))}  ${l.name}`).join('\n');
  return [
    `busy ${busyMs.toFixed(0)} ms of ${totalMs.toFixed(0)} ms sampled${requests ? `, ${((busyMs * 1000) / requests).toFixed(1)} µs per request` : ''}`,
    '-- self --',
    rows([...lines].sort((a, b) => b.selfMs - a.selfMs), (l) => l.selfMs),
    '-- total --',
    rows([...lines].sort((a, b) => b.totalMs - a.totalMs), (l) => l.totalMs),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const file of process.argv.slice(2)) process.stdout.write(`${file}\n${report(JSON.parse(readFileSync(file, 'utf8')) as Profile, 40, Number(process.env.REQUESTS) || undefined)}\n\n`);
}
