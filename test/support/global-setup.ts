import type { TestProject } from 'vitest/node';
import { startLocalRedis } from '../../sandbox/src/local-redis.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/** Provides a Redis URL to every test: REDIS_URL when set, else a redis-server started here. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.REDIS_URL;
  if (external !== undefined && external !== '') {
    project.provide('redisUrl', external);
    return async () => {};
  }
  const redis = await startLocalRedis();
  project.provide('redisUrl', redis.url);
  return () => redis.stop();
}
