// Which addresses a server with auth on refuses as webhook destinations, and the lookup guard used per connection.
import { describe, expect, test } from 'vitest';
import { guardedLookup, isPrivateAddress } from '../../src/webhooks/address-policy.js';

describe('isPrivateAddress', () => {
  test.each([
    '127.0.0.1', '127.255.255.254', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.0.1', '169.254.169.254',
    '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '198.18.0.1',
    '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1',
    '64:ff9b::a9fe:a9fe', '[::1]', 'fe80::1%eth0', 'not-an-ip',
    // IPv6 forms that carry a private IPv4 address: compatible, translated, 6to4, NAT64 local use, Teredo
    '::127.0.0.1', '[::127.0.0.1]', '::7f00:1', '::ffff:0:127.0.0.1', '::ffff:0:7f00:1', '2002:7f00:1::', '[2002:7f00:1::]',
    '2002:a00:1::1', '2002:c0a8:101:1::1', '2002:a9fe:a9fe::', '::10.1.2.3', '::ffff:0:a9fe:a9fe', '64:ff9b:1::a00:1',
    '2001:0:4136:e378:8000:63bf:80ff:fffe', '2001:0:7f00:1::1', '0:0:0:0:0:ffff:127.0.0.1', '::FFFF:7F00:1',
    'fec0::1', '100::1', '2001:db8::1',
  ])('%s is refused', (ip) => expect(isPrivateAddress(ip)).toBe(true));

  test.each([
    '93.184.216.34', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808',
    '::8.8.8.8', '::ffff:0:8.8.8.8', '2002:808:808::1', '2001:0:4136:e378:8000:63bf:f7f7:f7f7', '2001:4860:4860::8888',
  ])(
    '%s is public',
    (ip) => expect(isPrivateAddress(ip)).toBe(false),
  );
});

describe('guardedLookup', () => {
  test('fails a connection to a name that resolves to loopback', async () => {
    const err = await new Promise<NodeJS.ErrnoException | null>((resolve) => guardedLookup('localhost', {}, (e) => resolve(e)));
    expect(err?.code).toBe('EPRIVATE');
    expect(err?.message).toContain('localhost is at');
  });
});
