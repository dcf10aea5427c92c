// Global setup of the "cluster" vitest project: one local Redis Cluster for every test file of the project (each store
// in it has its own key prefix), since starting one costs seconds.
import type { TestProject } from 'vitest/node';
import { hasRedisCluster, startRedisCluster } from './redis-cluster.js';
import { stopAllRedis } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The shared cluster's node URL ('' where none can run here). */
    redisClusterUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (!hasRedisCluster) {
    project.provide('redisClusterUrl', '');
    return async () => {};
  }
  const cluster = await startRedisCluster();
  project.provide('redisClusterUrl', cluster.url);
  return stopAllRedis;
}
