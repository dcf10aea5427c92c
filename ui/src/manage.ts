// What the room settings panels share: the open room and its client, and how the outcome of a call is told.
import type { Room } from '../../src/api/types.js';
import type { Client } from '../../src/client/client.js';
import { ApiError } from '../../src/client/errors.js';

export interface OpenRoom {
  client: Client;
  room: Room;
}

/** What the panels ask of the page around them. */
export interface ManageHooks {
  /** The room open now, if any. */
  current(): OpenRoom | undefined;
  /** The room was renamed, or its topic or settings changed. */
  changed(room: Room): void;
  /** This browser's key cannot manage the room: ask for the write key or the admin token. */
  askKey(why: string): void;
  /** Opens the room again, with the key now remembered (after its keys were rotated). */
  reopen(): void;
  /** The room was deleted from here. */
  deleted(room: Room): void;
}

/** A success in `status`. */
export function done(status: HTMLElement, text: string): void {
  status.textContent = text;
  status.className = 'status ok';
}

/**
 * "`doing`: the server's message" in `status` (every error answer has the one shape {"error":{"code","message"}});
 * a refusal for want of a key also asks for one.
 */
export function failed(status: HTMLElement, doing: string, err: unknown, hooks: ManageHooks): void {
  const message = err instanceof Error ? err.message : String(err);
  status.textContent = `${doing}: ${message}`;
  status.className = 'status';
  if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
    hooks.askKey(`${message} Managing this room needs its write key or the admin token.`);
  }
}
