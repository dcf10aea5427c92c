// Hundreds of local agents each hold a live stream on one real server: loopback clients do not share one cap.
import { get, type ClientRequest } from 'node:http';
import { describe, expect, test } from 'vitest';
import { Client } from '../../src/client/client.js';
import { startServer } from '../helpers/server-process.js';
import { tempDir } from '../helpers/temp-dir.js';

const AGENTS = 300;

/** Opens a stream on its own connection; resolves with its status and a promise of the first message event's data. */
function openStream(url: string, requests: ClientRequest[]): Promise<{ status: number; first: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      const first = new Promise<string>((got) =>
        res.on('data', (chunk: string) => {
          text += chunk;
          const m = /event: message\ndata: (.*)\n/.exec(text);
          if (m) got(m[1]!);
        }),
      );
      resolve({ status: res.statusCode ?? 0, first });
    });
    req.on('error', reject);
    requests.push(req);
  });
}

describe('many local streams', () => {
  test(`${AGENTS} local agents, named or not, each hold a stream past the per-client cap of 256 and all get the next message`, async () => {
    const server = await startServer(await tempDir());
    const client = new Client({ baseUrl: server.url });
    const { roomId } = await client.createRoom('crowd');
    const requests: ClientRequest[] = [];
    try {
      const streams = [];
      for (let i = 0; i < AGENTS; i++) {
        // Half name themselves (?as=), half do not: both count apart from each other on loopback.
        const as = i % 2 === 0 ? `?as=agent-${i}` : '';
        streams.push(await openStream(`${server.url}/agent/rooms/${roomId}/stream${as}`, requests));
      }
      expect(streams.filter((s) => s.status === 200)).toHaveLength(AGENTS);
      await client.send(roomId, { sender: 'lead', content: 'all hands' });
      const got = await Promise.all(streams.map((s) => s.first));
      expect(new Set(got.map((d) => (JSON.parse(d) as { content: string }).content))).toEqual(new Set(['all hands']));
      expect(got).toHaveLength(AGENTS);
      // One name still has a cap of its own.
      const capped = await startServer(await tempDir(), ['--max-streams-per-client', '2']);
      const other = new Client({ baseUrl: capped.url });
      const room = await other.createRoom('capped');
      const named = `${capped.url}/agent/rooms/${room.roomId}/stream?as=busy`;
      expect((await openStream(named, requests)).status).toBe(200);
      expect((await openStream(named, requests)).status).toBe(200);
      expect((await openStream(named, requests)).status).toBe(429);
      expect((await openStream(`${capped.url}/agent/rooms/${room.roomId}/stream?as=calm`, requests)).status).toBe(200);
    } finally {
      for (const r of requests) r.destroy();
    }
  }, 60_000);
});
