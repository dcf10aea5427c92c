// A fetch that calls the app in-process, so the A2A adapter goes through the same routes and checks as any HTTP client.

type AppFetch = (request: Request) => Response | Promise<Response>;

/**
 * Like the global fetch, an abort also ends a body being read: the caller's hang-up then ends the inner SSE stream
 * at once, where a body left open would hold the stream's slot until the room's next message.
 */
export function inProcessFetch(appFetch: () => AppFetch) {
  return async (input: string, init?: RequestInit): Promise<Response> => {
    const res = await appFetch()(new Request(input, init));
    const signal = init?.signal;
    if (!signal || !res.body) return res;
    const reader = res.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      cancel: (reason) => reader.cancel(reason),
    });
    signal.addEventListener('abort', () => void reader.cancel().catch(() => {}), { once: true });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}
