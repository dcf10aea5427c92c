// Redis store URLs: how to show one without its password, and the nodes a Cluster's seed list names (which values name
// one is src/api/store-url.ts). Loads no Redis client.

/** The node URLs a store URL names: itself, or each node of a seed list redis://[auth@]h1:p1,h2:p2[/...], each with
 *  the list's scheme and credentials. */
export function seedUrls(url: string): string[] {
  const m = /^(rediss?:\/\/)([^@/]*@)?([^/]*)(.*)$/i.exec(url);
  if (!m || !m[3]!.includes(',')) return [url];
  return m[3]!.split(',').map((host) => `${m[1]}${m[2] ?? ''}${host}${m[4]}`);
}

/** The URL without its password, for logs and banners (a seed list stays a list). */
export function redactRedisUrl(url: string): string {
  const seeds = seedUrls(url).map((seed) => {
    try {
      const u = new URL(seed);
      if (u.password) u.password = '***';
      return u.toString();
    } catch {
      return undefined;
    }
  });
  if (seeds.some((s) => s === undefined)) return 'redis://(invalid url)';
  if (seeds.length === 1) return seeds[0]!;
  return seeds[0]! + seeds.slice(1).map((s) => ',' + new URL(s!).host).join('');
}
