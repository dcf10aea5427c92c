// The message events of an SSE answer, parsed as they arrive (other events and comments skipped), and a reader that
// resumes its stream as EventSource does.
import type { Message } from '../../src/api/types.js';

export async function* sseMessages(res: Response): AsyncGenerator<Message> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (frame.includes('event: message')) yield JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as Message;
    }
  }
}

/** An SSE reader that reconnects from the last seq it saw (as EventSource does with Last-Event-ID) until its
 *  AbortController (pushed onto `aborts`, for the test to abort) is aborted; `as` names it (presence shows it). */
export function resumingSubscriber(base: string, roomId: string, aborts: AbortController[], as?: string) {
  const seen: number[] = [];
  const abort = new AbortController();
  aborts.push(abort);
  let reconnects = 0;
  void (async () => {
    while (!abort.signal.aborted) {
      try {
        const res = await fetch(`${base}/agent/rooms/${roomId}/stream?after=${seen.at(-1) ?? 0}${as === undefined ? '' : `&as=${encodeURIComponent(as)}`}`, { signal: abort.signal });
        if (res.ok) {
          for await (const m of sseMessages(res)) seen.push(m.seq);
        } else await res.body?.cancel();
      } catch {
        // the server or the test ended it
      }
      reconnects += 1;
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return { seen, reconnects: () => reconnects };
}
