import { describe, expect, it } from 'vitest';
import { checkPrivateNetwork, isPrivateAddress, parseRedisAddress } from './redis-address.js';

describe('the cluster Redis address', () => {
  it('keeps the credentials for the client and shows the address without them', () => {
    const a = parseRedisAddress('redis://:s3cret@10.1.2.3:6390/2');
    expect(a).toMatchObject({ url: 'redis://:s3cret@10.1.2.3:6390/2', display: 'redis://10.1.2.3:6390/2', host: '10.1.2.3', port: 6390, hasPassword: true });
    expect(parseRedisAddress('rediss://user:pw@[fd00::5]').display).toBe('rediss://[fd00::5]:6379');
  });

  it('refuses what is not a Redis URL, without echoing a password', () => {
    expect(() => parseRedisAddress('http://:pw@10.0.0.1:6379', '--cluster')).toThrow('--cluster: expected a redis:// or rediss:// URL, got http://');
    expect(() => parseRedisAddress('redis//:topsecret@host')).toThrow(/is not a URL/);
    expect(() => parseRedisAddress('redis//:topsecret@host')).not.toThrow(/topsecret/);
    expect(() => parseRedisAddress('redis://:pw@10.0.0.1:6379/x')).toThrow('the database "x" is not a number');
  });

  it('needs a password unless Redis is on this machine', () => {
    expect(() => parseRedisAddress('redis://10.0.0.7:6379')).toThrow(/needs a password in the URL \(redis:\/\/:PASSWORD@10\.0\.0\.7:6379\)/);
    expect(parseRedisAddress('redis://127.0.0.1:6379').hasPassword).toBe(false);
    expect(parseRedisAddress('redis://localhost').hasPassword).toBe(false);
  });

  it('tells private and loopback addresses from public ones', () => {
    for (const ip of ['127.0.0.1', '10.4.5.6', '172.16.0.1', '172.31.255.255', '192.168.1.10', '169.254.3.4', '100.64.0.9', '::1', 'fd12:3456::1', 'fe80::1', '::ffff:192.168.0.2']) {
      expect(isPrivateAddress(ip), ip).toBe(true);
    }
    for (const ip of ['8.8.8.8', '172.32.0.1', '100.128.0.1', '2001:db8::1', '::ffff:8.8.8.8']) expect(isPrivateAddress(ip), ip).toBe(false);
  });

  it('refuses a host that resolves to a public address', async () => {
    await expect(checkPrivateNetwork(parseRedisAddress('redis://:pw@8.8.8.8:6379'), '--cluster')).rejects.toThrow(
      '--cluster: 8.8.8.8 resolves to the public address 8.8.8.8; the cluster\'s Redis must be on this machine or a private network',
    );
    await expect(checkPrivateNetwork(parseRedisAddress('redis://:pw@localhost:6379'))).resolves.toBeUndefined();
  });
});
