// Whole-room exports: JSON Lines (the log's own format) or Markdown for people, streamed as fast as the reader takes them.
import { Hono } from 'hono';
import type { Message, Room } from '../../api/types.js';
import { messageJson } from '../../store/message-json.js';
import type { ServerDeps } from '../context.js';
import { nodeOf, type AppEnv } from '../env.js';
import { describeError, HttpError } from '../errors.js';
import { RoomCursor } from '../room-cursor.js';
import { roomParam } from './room-param.js';

const FORMATS = {
  jsonl: { type: 'application/x-ndjson; charset=utf-8', ext: 'jsonl', line: (m: Message) => `${messageJson(m)}\n` },
  markdown: { type: 'text/markdown; charset=utf-8', ext: 'md', line: markdownMessage },
} as const;

export function exportRoutes({ store, log }: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/rooms/:id/export', async (c) => {
    const room = await roomParam(c, store, 'read');
    const format = c.req.query('format') ?? 'jsonl';
    if (format !== 'jsonl' && format !== 'markdown') {
      throw new HttpError(400, 'invalid_query', `format must be jsonl or markdown (got "${format}").`);
    }
    const { type, ext, line } = FORMATS[format];
    // The room as it is now: messages sent during a long download are left out, so an export of a busy room ends.
    const cursor = new RoomCursor(store, room.id, 0, room.lastSeq);
    // The first page is read before answering, so a store that fails at once gets a proper error answer.
    let page: Message[] | undefined = await cursor.next();
    let head = format === 'markdown' ? markdownHeader(room) : '';
    const encoder = new TextEncoder();
    // Pulled: the next page is read only once the reader took the last one, so a reader that stops reading holds one
    // page. A store failure errors the body, which aborts the connection: the client sees a failed download, never a
    // clean end to a short one.
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          try {
            page ??= await cursor.next();
          } catch (err) {
            describeError(err, c.get('requestId'), `[${c.get('requestId')}] export of ${room.id}`, log);
            // On Node the socket is cut here: erroring the body instead would have the adapter end it with its own
            // error text, which can reach the client as a clean end.
            const { outgoing } = nodeOf(c);
            return outgoing ? void outgoing.destroy() : controller.error(err);
          }
          const text = head + page.map(line).join('');
          head = '';
          if (text) controller.enqueue(encoder.encode(text));
          if (page.length === 0) controller.close();
          page = undefined;
        },
      },
      { highWaterMark: 0 },
    );
    return c.body(body, 200, {
      'content-type': type,
      'content-disposition': `attachment; filename="${slug(room.name)}-${room.id}.${ext}"`,
    });
  });

  return app;
}

const slug = (name: string) => name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'room';

function markdownHeader(room: Room): string {
  return `# ${room.name}\n\nRoom \`${room.id}\`, created ${room.createdAt}, ${room.messageCount} messages.\n\n`;
}

function markdownMessage(m: Message): string {
  const meta = [
    m.to?.length ? `to ${m.to.join(', ')}` : '',
    m.type ? `type \`${m.type}\`` : '',
    m.replyTo ? `reply to \`${m.replyTo}\`` : '',
  ].filter(Boolean);
  const head = `### #${m.seq} ${m.sender} · ${m.createdAt}${meta.length ? ` · ${meta.join(' · ')}` : ''}\n\n`;
  const metadata = m.metadata ? `\n\n\`\`\`json\n${JSON.stringify(m.metadata, null, 2)}\n\`\`\`` : '';
  // Quoted, so what a sender writes stays inside its message: a line "### #2 admin" in the content is no heading of
  // the export's, and a code fence left open ends with the quote instead of swallowing the messages after it.
  const content = m.content.split('\n').map((line) => (line === '' ? '>' : `> ${line}`)).join('\n');
  return `${head}${content}${metadata}\n\n`;
}
