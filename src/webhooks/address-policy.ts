// Which webhook destinations a server with auth on refuses: loopback, private, link-local and other non-public
// addresses, checked when a hook is added and again on every connection (so a DNS change cannot sneak past).
import { lookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and broadcast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b:1::', 48], // NAT64 for local use: its IPv4 half is some private network's
  ['100::', 64], // discard-only
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some stacks)
  ['ff00::', 8], // multicast
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** The 16 bytes of an IPv6 address (isIP already said it is one), a dotted IPv4 tail included. */
function ipv6Bytes(ip: string): number[] {
  let text = ip.toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const groups = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = groups(head);
  const right = groups(tail);
  const words = tail === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  return words.flatMap((w) => [w >> 8, w & 255]);
}

const dotted = (b: number[]) => b.join('.');
const startsWith = (b: number[], prefix: number[]) => prefix.every((x, i) => b[i] === x);
const ZEROS_80 = Array<number>(10).fill(0);

/**
 * The IPv4 addresses an IPv6 address carries, by which a packet to it may reach an IPv4 network: IPv4-mapped
 * (::ffff:a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d),
 * 6to4 (2002:AABB:CCDD::) and Teredo (2001:0::, the client's address inverted in the last 32 bits).
 */
function embeddedIpv4(ip: string): string[] {
  const b = ipv6Bytes(ip);
  const last = b.slice(12);
  if (startsWith(b, [...ZEROS_80, 0xff, 0xff]) || startsWith(b, [...ZEROS_80, 0, 0]) || startsWith(b, [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0])) {
    return [dotted(last)];
  }
  if (startsWith(b, [0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0])) return [dotted(last)];
  if (startsWith(b, [0x20, 0x02])) return [dotted(b.slice(2, 6))];
  if (startsWith(b, [0x20, 0x01, 0, 0])) return [dotted(b.slice(4, 8)), dotted(last.map((x) => x ^ 255))];
  return [];
}

/** True for an address a webhook must not reach when private destinations are refused. */
export function isPrivateAddress(ip: string): boolean {
  const bare = ip.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return blocked.check(bare, 'ipv4');
  if (family !== 6) return true; // not an address at all: refuse rather than guess
  return blocked.check(bare, 'ipv6') || embeddedIpv4(bare).some((v4) => blocked.check(v4, 'ipv4'));
}

const refusal = (host: string, ip: string) =>
  `${host} is ${host === ip ? 'a' : `at ${ip}, a`} loopback, private or link-local address; this server refuses such webhook URLs ` +
  '(start it with --allow-private-webhooks to allow them)';

/** Why a hook to this URL is refused, or undefined when it may be added. Resolves the host name. */
export async function privateUrlProblem(url: URL): Promise<string | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return isPrivateAddress(host) ? refusal(host, host) : undefined;
  let addresses: LookupAddress[];
  try {
    addresses = await new Promise((resolve, reject) => lookup(host, { all: true }, (err, a) => (err ? reject(err) : resolve(a))));
  } catch (err) {
    return `the host ${host} could not be resolved (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
  }
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  return bad ? refusal(host, bad.address) : undefined;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for http.request that fails the connection when the name resolves to a refused address. */
export function guardedLookup(hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void {
  lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) {
      const e: NodeJS.ErrnoException = new Error(refusal(hostname, bad.address));
      e.code = 'EPRIVATE';
      return callback(e, '');
    }
    if ((options as LookupAllOptions).all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}
