import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRedisServer, SYSTEM_REDIS_PATHS } from './find-redis-server.js';

describe('findRedisServer', () => {
  it('prefers BWS_REDIS_SERVER when it names an executable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bws-redis-'));
    const fake = join(dir, 'redis-server');
    writeFileSync(fake, '#!/bin/sh\n');
    chmodSync(fake, 0o755);
    expect(findRedisServer({ BWS_REDIS_SERVER: fake })).toBe(fake);
  });

  it('refuses a BWS_REDIS_SERVER that does not exist, naming it', () => {
    expect(() => findRedisServer({ BWS_REDIS_SERVER: '/nonexistent/redis-server' })).toThrow(/\/nonexistent\/redis-server/);
  });

  it('falls back to a system path, or says what to install', () => {
    let result: string | Error;
    try {
      result = findRedisServer({});
    } catch (error) {
      result = error as Error;
    }
    if (typeof result === 'string') expect(SYSTEM_REDIS_PATHS).toContain(result);
    else expect(result.message).toMatch(/apt-get install redis-server/);
  });
});
