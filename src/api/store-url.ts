// Which --store values name a Redis store: the syntax a person types, checked by the CLI before it starts anything.

/** True for the URLs the Redis store takes: redis://[user:pass@]host:port[/db] or rediss://... */
export const isRedisUrl = (value: string): boolean => /^rediss?:\/\/[^/]/i.test(value);
