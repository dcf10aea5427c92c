// Whole-room exports and search: JSON Lines (the log's own format), Markdown for people, and text search.
import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT } from '../../api/limits.js';
import type { Message, Room } from '../../api/types.js';
import { messageJson } from '../../store/message-json.js';
import { allMessages, searchMessages } from '../../store/pages.js';
import { authorizeRoom } from '../auth/principal.js';
import type { ServerDeps } from '../context.js';
import type { AppEnv } from '../env.js';
import { HttpError } from '../errors.js';
import { historyJson, jsonBody } from '../json-body.js';
import { queryInt } from '../request.js';
import { findRoom } from './room-param.js';

const FORMATS = {
  jsonl: { type: 'application/x-ndjson; charset=utf-8', ext: 'jsonl' },
  markdown: { type: 'text/markdown; charset=utf-8', ext: 'md' },
} as const;

export function exportRoutes({ store }: ServerDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/rooms/:id/export', async (c) => {
    authorizeRoom(c, c.req.param('id'), 'read');
    const room = await findRoom(store, c.req.param('id'));
    const format = c.req.query('format') ?? 'jsonl';
    if (format !== 'jsonl' && format !== 'markdown') {
      throw new HttpError(400, 'invalid_query', `format must be jsonl or markdown (got "${format}").`);
    }
    const { type, ext } = FORMATS[format];
    c.header('content-type', type);
    c.header('content-disposition', `attachment; filename="${slug(room.name)}-${room.id}.${ext}"`);
    return stream(c, async (out) => {
      if (format === 'markdown') await out.write(markdownHeader(room));
      for await (const page of allMessages(store, room.id)) {
        await out.write(page.map(format === 'jsonl' ? (m) => `${messageJson(m)}\n` : markdownMessage).join(''));
      }
    });
  });

  app.get('/rooms/:id/search', async (c) => {
    authorizeRoom(c, c.req.param('id'), 'read');
    const room = await findRoom(store, c.req.param('id'));
    const text = c.req.query('q')?.trim() || undefined;
    const sender = c.req.query('sender') || undefined;
    if (!text && !sender) throw new HttpError(400, 'invalid_query', 'Give q (text to find) or sender, or both.');
    const limit = queryInt(c, 'limit', { min: 1, max: HISTORY_MAX_LIMIT }) ?? HISTORY_DEFAULT_LIMIT;
    const messages = await searchMessages(store, room.id, room.lastSeq, { limit, ...(text && { text }), ...(sender && { sender }) });
    return jsonBody(c, historyJson(room.id, messages), 200);
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
  return `${head}${m.content}${metadata}\n\n`;
}
