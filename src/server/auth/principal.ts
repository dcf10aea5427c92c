// Who a request acts as, and the checks routes make against it (401 without a valid key, 403 without the right one).
import type { Context } from 'hono';
import { HttpError } from '../errors.js';

export type Principal =
  | { kind: 'admin' }
  | { kind: 'room'; roomId: string; access: 'read' | 'write'; /** Set for an agent key: the only sender it may post as. */ agent?: string }
  | { kind: 'anonymous' };

export const ADMIN: Principal = { kind: 'admin' };

const needKey = () =>
  new HttpError(401, 'unauthorized', 'This server needs a key: send "Authorization: Bearer KEY" with the room\'s key or the admin token.');

/** Read needs any key of the room; write needs its write key. The admin token can do everything. */
export function authorizeRoomFor(p: Principal, roomId: string, access: 'read' | 'write'): void {
  if (p.kind === 'admin') return;
  if (p.kind === 'anonymous') throw needKey();
  if (p.roomId !== roomId) throw new HttpError(403, 'forbidden', 'This key belongs to another room.');
  if (access === 'write' && p.access === 'read') {
    throw new HttpError(403, 'read_only_key', "This is the room's read key; posting needs its write key.");
  }
}

/** authorizeRoomFor with the principal the gate set on this request. */
export function authorizeRoom(c: Context, roomId: string, access: 'read' | 'write'): void {
  authorizeRoomFor(c.get('principal') as Principal, roomId, access);
}

export function authorizeAdmin(c: Context, what: string): void {
  const p = c.get('principal') as Principal;
  if (p.kind === 'admin') return;
  if (p.kind === 'anonymous') throw needKey();
  throw new HttpError(403, 'forbidden', `${what} needs the admin token; a room key cannot do it.`);
}

/** Whether this principal manages the room (its write key or the admin token): what authorizeManage lets through. */
export function managesRoom(p: Principal, roomId: string): boolean {
  return p.kind === 'admin' || (p.kind === 'room' && p.roomId === roomId && p.access === 'write' && p.agent === undefined);
}

/** Managing a room (agents, settings, keys, deletion, redaction) needs its write key or the admin token; an agent key
 *  posts and reads but cannot manage. */
export function authorizeManage(c: Context, roomId: string, what: string): void {
  authorizeRoom(c, roomId, 'write');
  const p = c.get('principal') as Principal;
  if (p.kind === 'room' && p.agent !== undefined) {
    throw new HttpError(403, 'forbidden', `${what} needs the room's write key or the admin token; an agent key cannot do it.`);
  }
}
