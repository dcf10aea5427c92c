// Closed-loop HTTP load with autocannon: throughput and latency percentiles of one POST.
import autocannon from 'autocannon';

export interface LoadResult {
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

export const MESSAGE = JSON.stringify({
  sender: 'bench-agent',
  content: 'Step 3 of 7 finished: parsed 1,204 rows, 3 warnings (see metadata). Next: hand off to the reviewer agent for checking.',
  type: 'result',
});

export async function load(url: string, body: string, connections: number, seconds: number): Promise<LoadResult> {
  const r = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    body,
  });
  return {
    connections,
    rps: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + r.non2xx,
  };
}
