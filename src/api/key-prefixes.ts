// What each kind of key starts with: the server makes keys with these, and a client can tell an agent key by it.

export type KeyKind = 'admin' | 'write' | 'read' | 'agent';

export const KEY_PREFIX: Record<KeyKind, string> = { admin: 'ima_', write: 'imw_', read: 'imr_', agent: 'imag_' };

/** An agent key signs its posts with its agent's name, so a client posting with one may leave `sender` out. */
export const isAgentKey = (key: string | undefined): boolean => key?.startsWith(KEY_PREFIX.agent) ?? false;
