/** Sentinel and Cluster URLs parse into hosts and names, malformed ones fail with one line, passwords never show. */
import { describe, expect, it } from 'vitest';
import { checkRedis } from '../../src/io/redis-check.ts';
import { parseRedisEndpoint, prefixForEndpoint, redisTarget } from '../../src/io/redis-endpoint.ts';
import { displayRedisUrl } from '../../src/io/redis-url.ts';

describe('parseRedisEndpoint', () => {
  it('reads a Sentinel URL with password, several sentinels, master name and db', () => {
    expect(parseRedisEndpoint('redis-sentinel://:s3cret@h1:26379,h2,[::1]:26380/mymaster?db=2', {})).toEqual({
      mode: 'sentinel',
      sentinels: [
        { host: 'h1', port: 26379 },
        { host: 'h2', port: 26379 },
        { host: '::1', port: 26380 },
      ],
      name: 'mymaster',
      db: 2,
      password: 's3cret',
    });
  });

  it('reads a Cluster URL and a comma list with MESHPEER_REDIS_MODE=cluster', () => {
    const nodes = [
      { host: '10.0.0.1', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
    ];
    expect(parseRedisEndpoint('redis-cluster://10.0.0.1:7000,10.0.0.2:7001', {})).toEqual({
      mode: 'cluster',
      nodes,
    });
    expect(parseRedisEndpoint('10.0.0.1:7000,10.0.0.2:7001', { MESHPEER_REDIS_MODE: 'cluster' })).toEqual({
      mode: 'cluster',
      nodes,
    });
  });

  it('leaves a single-server URL as it is', () => {
    expect(parseRedisEndpoint('redis://:pw@127.0.0.1:6379/1', {})).toEqual({
      mode: 'single',
      url: 'redis://:pw@127.0.0.1:6379/1',
    });
  });

  it.each([
    ['redis-sentinel://h1:26379', 'no master name'],
    ['redis-sentinel:///mymaster', 'no hosts'],
    ['redis-sentinel://h1:99999/mymaster', 'bad port'],
    ['redis-sentinel://h1/mymaster?db=x', 'db "x" is not a number'],
    ['redis-cluster://h1:7000,:7001', 'bad host'],
  ])('rejects %s with one line naming the problem', (url, why) => {
    let message = '';
    try {
      parseRedisEndpoint(url, {});
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(why);
    expect(message).toContain('use redis-');
    expect(message).not.toContain('\n');
  });

  it('rejects an unknown MESHPEER_REDIS_MODE', () => {
    expect(() => parseRedisEndpoint('redis://h:1', { MESHPEER_REDIS_MODE: 'ring' })).toThrow(
      /single or cluster/,
    );
  });
});

describe('prefixForEndpoint', () => {
  it('wraps the prefix in a hash tag on a Cluster only', () => {
    expect(prefixForEndpoint('meshpeer', { mode: 'cluster', nodes: [] })).toBe('{meshpeer}');
    expect(prefixForEndpoint('{mp}', { mode: 'cluster', nodes: [] })).toBe('{mp}');
    expect(prefixForEndpoint('meshpeer', { mode: 'single', url: 'redis://h' })).toBe('meshpeer');
  });
});

describe('redisTarget and displayRedisUrl', () => {
  it('turns a Sentinel URL into ioredis sentinel options', () => {
    expect(redisTarget('redis-sentinel://:pw@h1:26379/mymaster')).toEqual({
      sentinels: [{ host: 'h1', port: 26379 }],
      name: 'mymaster',
      db: 0,
      password: 'pw',
    });
  });

  it('turns a Cluster URL into seed nodes', () => {
    expect(redisTarget('redis-cluster://:pw@h1:7000,h2')).toEqual({
      nodes: [
        { host: 'h1', port: 7000 },
        { host: 'h2', port: 6379 },
      ],
      password: 'pw',
    });
  });

  it('shows a Sentinel or Cluster URL without its password', () => {
    expect(displayRedisUrl('redis-sentinel://:s3cret@h1:26379,h2:26379/mymaster?db=1')).toBe(
      'redis-sentinel://h1:26379,h2:26379/mymaster',
    );
    expect(displayRedisUrl('redis-cluster://u:s3cret@h1:7000,h2:7001')).toBe(
      'redis-cluster://h1:7000,h2:7001',
    );
  });
});

describe('checkRedis on a Cluster URL', () => {
  it('says in one line, without the password, that no seed node answered', async () => {
    const check = checkRedis('redis-cluster://:s3cret@127.0.0.1:1,127.0.0.1:2', { deadlineMs: 2000 });
    await expect(check).rejects.toThrow(/^Redis at redis-cluster:\/\/127\.0\.0\.1:1,127\.0\.0\.1:2 /);
    await expect(check).rejects.not.toThrow(/s3cret|\n/);
  });
});
