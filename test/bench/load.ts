// Closed-loop HTTP load with autocannon: throughput and latency percentiles of one POST, and the server's CPU per request.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface LoadResult {
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU time (user + system) the server process spent per answered request, in microseconds; when its pid is given.
   *  Steadier than throughput on a shared machine, whose speed drifts between runs. */
  cpuUs?: number;
}

/** User + system CPU time of a process in milliseconds, from /proc (clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export const MESSAGE = JSON.stringify({
  sender: 'bench-agent',
  content: 'Step 3 of 7 finished: parsed 1,204 rows, 3 warnings (see metadata). Next: hand off to the reviewer agent for checking.',
  type: 'result',
});

/** `length`: seconds, or `{ amount }` requests (a fixed number of sends, for CPU per send). `spread`: paths that the
 *  sends go to in turn, one after another across all connections (each request to the next path), instead of the
 *  url's own path. */
export async function load(url: string, body: string, connections: number, length: number | { amount: number }, serverPid?: number, headers: Record<string, string> = {}, spread?: readonly string[]): Promise<LoadResult> {
  const cpu0 = serverPid === undefined ? 0 : cpuMs(serverPid);
  let next = 0;
  const r = await autocannon({
    url,
    method: 'POST',
    connections,
    // A run of `amount` ends at the next sample tick: ticks of 20 ms keep its wall time close to the sends'.
    ...(typeof length === 'number' ? { duration: length } : { amount: length.amount, sampleInt: 20 }),
    headers: { 'content-type': 'application/json', ...headers },
    body,
    ...(spread && { requests: [{ setupRequest: (req: object) => ({ ...req, path: spread[next++ % spread.length] }) }] }),
  });
  return {
    connections,
    rps: Math.round(typeof length === 'number' ? r.requests.average : (r.requests.total * 1000) / Math.max(1, r.finish.getTime() - r.start.getTime())),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
    ...(serverPid !== undefined && { cpuUs: Math.round(((cpuMs(serverPid) - cpu0) * 1000) / Math.max(1, r.requests.total)) }),
  };
}
