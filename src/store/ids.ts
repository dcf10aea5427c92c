// Unguessable, URL-safe room ids: 130 random bits as 26 lowercase base32 characters (never a leading dash).
import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

export function newRoomId(): string {
  const bytes = randomBytes(17);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 26) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** Ids this server could have made (and a little more), so nothing else reaches a lookup or a file name. */
export const ROOM_ID_PATTERN = /^[a-z0-9_-]{1,64}$/;
