// A minimal Server-Sent Events parser over a response body (a web stream or Node's): yields each event's id, event name and data.

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

export async function* parseSse(body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  let event: SseEvent = { event: 'message', data: '' };
  let hasData = false;
  /** Takes the complete lines off the buffer, yielding each event a blank line ends. */
  function* lines(last: boolean): Generator<SseEvent> {
    let nl: number;
    while ((nl = buffer.search(/\r\n|\r|\n/)) >= 0) {
      // A \r that ends the chunk may be the first half of \r\n: taken as a line end on its own, the \n that starts
      // the next chunk would be a second, empty line, which ends the event in the middle.
      if (!last && nl === buffer.length - 1 && buffer[nl] === '\r') return;
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
      if (line === '') {
        if (hasData) yield event;
        event = { event: 'message', data: '' };
        hasData = false;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') {
        event.data = hasData ? `${event.data}\n${value}` : value;
        hasData = true;
      } else if (field === 'id') event.id = value;
      else if (field === 'event') event.event = value;
    }
  }
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    yield* lines(false);
  }
  // The body ended: a \r held back above ends its line after all.
  buffer += decoder.decode();
  yield* lines(true);
}
