// Redis store URLs: how to show one without its password (which values name one is src/api/store-url.ts). Loads no
// Redis client.

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
