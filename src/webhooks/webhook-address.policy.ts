/**
 * Where webhooks may be sent (SSRF defence). Two checks:
 *  - at registration, the URL: https (http only to loopback or with
 *    WEBHOOK_ALLOW_HTTP), no credentials, and an IP-literal host must be a
 *    public address;
 *  - at every connect, the address the host name resolved to (the sender's
 *    DNS lookup hook), so a name that resolves to 10.0.0.1 or to
 *    169.254.169.254 — or is rebound to it after registration — is refused
 *    before a byte is sent.
 * WEBHOOK_ALLOW_PRIVATE=true lifts the address rule (tests, private networks).
 */
import { BlockList, isIP } from 'node:net';
import { ValidationError } from '@1tt/domain-errors';

export interface WebhookAddressPolicy {
  allowPrivate: boolean;
  allowHttp: boolean;
}

const RANGES: Array<[string, number, 'ipv4' | 'ipv6', string]> = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'private (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata lives here)'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'reserved (IETF protocol assignments)'],
  ['192.0.2.0', 24, 'ipv4', 'reserved (documentation)'],
  ['192.88.99.0', 24, 'ipv4', 'reserved (6to4 relay)'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'reserved (benchmarking)'],
  ['198.51.100.0', 24, 'ipv4', 'reserved (documentation)'],
  ['203.0.113.0', 24, 'ipv4', 'reserved (documentation)'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['fc00::', 7, 'ipv6', 'unique-local (private)'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fec0::', 10, 'ipv6', 'site-local (deprecated, private)'],
  ['ff00::', 8, 'ipv6', 'multicast'],
  ['2001:db8::', 32, 'ipv6', 'reserved (documentation)'],
  ['100::', 64, 'ipv6', 'reserved (discard)'],
];

const lists = RANGES.map(([net, prefix, family, reason]) => {
  const list = new BlockList();
  list.addSubnet(net, prefix, family);
  return { list, family, reason };
});

/** The IPv4 address an IPv6 address carries (mapped ::ffff:a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16), if any. */
function embeddedIpv4(ip: string): string | undefined {
  const groups = expandIpv6(ip);
  if (!groups) return undefined;
  const v4 = (hi: number, lo: number): string => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (from: number, to: number): boolean => groups.slice(from, to).every((g) => g === 0);
  if (zero(0, 5) && groups[5] === 0xffff) return v4(groups[6], groups[7]);
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zero(2, 6)) return v4(groups[6], groups[7]);
  if (groups[0] === 0x2002) return v4(groups[1], groups[2]);
  if (zero(0, 6) && (groups[6] !== 0 || groups[7] > 1)) return v4(groups[6], groups[7]); // deprecated IPv4-compatible ::a.b.c.d
  return undefined;
}

function expandIpv6(ip: string): number[] | undefined {
  let text = ip.toLowerCase().split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const p = dotted[1].split('.').map(Number);
    text = text.slice(0, -dotted[1].length) + `${((p[0] << 8) | p[1]).toString(16)}:${((p[2] << 8) | p[3]).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (s: string | undefined): number[] => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = parse(head);
  const t = parse(tail);
  const groups = tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** Why this IP address may not receive webhooks (not a public unicast address), or undefined when it may. */
export function addressRefusal(ip: string): string | undefined {
  const family = isIP(ip);
  if (family === 0) return 'not an IP address';
  if (family === 6) {
    const v4 = embeddedIpv4(ip);
    if (v4 !== undefined) {
      const inner = addressRefusal(v4);
      return inner === undefined ? undefined : `${inner} (IPv4 ${v4} inside IPv6)`;
    }
  }
  const fam = family === 4 ? 'ipv4' : 'ipv6';
  for (const { list, family: f, reason } of lists) if (f === fam && list.check(ip, fam)) return reason;
  return undefined;
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  return isIP(h) !== 0 && addressRefusal(h)?.startsWith('loopback') === true;
}

/** A URL the service may deliver to, normalised; a ValidationError naming the rule otherwise. */
export function checkWebhookUrl(raw: string, policy: WebhookAddressPolicy, field = 'url'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationError('webhook-url-invalid', `${field} is not an absolute URL`, {
      field,
      hint: 'Use an absolute https URL, e.g. https://hooks.example.com/1tt.',
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ValidationError(
      'webhook-url-invalid',
      `${field} uses ${url.protocol.replace(/:$/, '')}; only https (or http to loopback) is allowed`,
      {
        field,
        hint: 'Use an https:// URL.',
      },
    );
  }
  if (url.username || url.password) {
    throw new ValidationError('webhook-url-invalid', `${field} carries credentials; they would be stored and shown with the webhook`, {
      field,
      hint: 'Remove user:password@ from the URL and verify the 1tt-signature header instead.',
    });
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivate) {
    const reason = isIP(host) !== 0 ? addressRefusal(host) : isLoopbackHost(host) ? 'loopback' : undefined;
    if (reason !== undefined) {
      throw new ValidationError('webhook-address-refused', `${field} points at a ${reason} address, which webhooks may not reach`, {
        field,
        hint: 'Use a public host, or set WEBHOOK_ALLOW_PRIVATE=true if the receiver is meant to be on a private network.',
      });
    }
  }
  if (url.protocol === 'http:' && !policy.allowHttp && !isLoopbackHost(host)) {
    throw new ValidationError('webhook-url-insecure', `${field} uses http to a non-loopback host; events would travel unencrypted`, {
      field,
      hint: 'Use https://, or set WEBHOOK_ALLOW_HTTP=true on a trusted network.',
    });
  }
  url.hash = '';
  return url;
}
