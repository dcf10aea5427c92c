// One stable number per sender name, from which the web UI picks a hue and the CLI a terminal colour, so that an
// agent keeps its colour in both.

/** Java's String.hashCode over UTF-16 code units, kept to 32 bits unsigned: the same in every browser and in Node. */
export function senderHash(sender: string): number {
  let h = 0;
  for (const ch of sender) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h;
}
