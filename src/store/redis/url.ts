// Redis store URLs: which values name one, and how to show one without its password. Loads no Redis client.

/** True for the URLs the Redis store takes: redis://[user:pass@]host:port[/db] or rediss://... */
export const isRedisUrl = (value: string): boolean => /^rediss?:\/\/[^/]/i.test(value);

/** The URL without its password, for logs and banners. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(invalid url)';
  }
}
