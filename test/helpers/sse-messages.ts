// The message events of an SSE answer, parsed as they arrive (other events and comments skipped).
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
