// The client's SSE parser: the same events however the bytes are cut into chunks.
import { describe, expect, test } from 'vitest';
import { parseSse, type SseEvent } from '../../src/client/sse.js';

async function* chunks(parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield p;
}

async function parse(parts: Uint8Array[]): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const e of parseSse(chunks(parts))) events.push(e);
  return events;
}

const expected: SseEvent[] = [
  { event: 'message', id: '1', data: '{"seq":1,"content":"héllo ✓"}' },
  { event: 'redacted', data: 'line one\nline two' },
  { event: 'message', id: '2', data: '' },
  { event: 'message', id: '3', data: 'last' },
];

// The same events with each line ending the server or a proxy may use.
const streams = Object.entries({
  'CRLF': 'retry: 1000\r\n\r\nid: 1\r\nevent: message\r\ndata: {"seq":1,"content":"héllo ✓"}\r\n\r\n: ping\r\n\r\nevent: redacted\r\ndata: line one\r\ndata: line two\r\n\r\nid: 2\r\ndata\r\n\r\nid: 3\r\ndata: last\r\n\r\n',
  'CR': 'retry: 1000\r\rid: 1\revent: message\rdata: {"seq":1,"content":"héllo ✓"}\r\r: ping\r\revent: redacted\rdata: line one\rdata: line two\r\rid: 2\rdata\r\rid: 3\rdata: last\r\r',
  'LF': 'retry: 1000\n\nid: 1\nevent: message\ndata: {"seq":1,"content":"héllo ✓"}\n\n: ping\n\nevent: redacted\ndata: line one\ndata: line two\n\nid: 2\ndata\n\nid: 3\ndata: last\n\n',
}).map(([name, text]) => ({ name, bytes: new TextEncoder().encode(text) }));

describe('parseSse', () => {
  test.each(streams)('$name: one chunk', async ({ bytes }) => {
    expect(await parse([bytes])).toEqual(expected);
  });

  test.each(streams)('$name: split in two at every byte offset', async ({ bytes }) => {
    for (let at = 1; at < bytes.length; at++) {
      expect({ at, events: await parse([bytes.subarray(0, at), bytes.subarray(at)]) }).toEqual({ at, events: expected });
    }
  });

  test.each(streams)('$name: one byte per chunk', async ({ bytes }) => {
    expect(await parse([...bytes].map((b) => Uint8Array.of(b)))).toEqual(expected);
  });

  test('an event whose blank line is a lone CR at the very end of the body is still told', async () => {
    expect(await parse([new TextEncoder().encode('data: x\r\r')])).toEqual([{ event: 'message', data: 'x' }]);
  });
});
