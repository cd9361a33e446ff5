import { addressRefusal, checkWebhookUrl } from './webhook-address.policy';

describe('webhook address policy', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fd00:ec2::254',
    'fc00::1',
    'fe80::1%eth0',
    '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::a9fe:a9fe',
    '2002:7f00:1::',
    'ff02::1',
  ])('refuses %s', (ip) => {
    expect(addressRefusal(ip)).toBeDefined();
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    'allows the public address %s',
    (ip) => {
      expect(addressRefusal(ip)).toBeUndefined();
    },
  );

  it('names the metadata range in its reason', () => {
    expect(addressRefusal('169.254.169.254')).toMatch(/link-local.*metadata/);
  });

  const strict = { allowPrivate: false, allowHttp: false };
  it('normalises numeric and hex IPv4 forms before judging them', () => {
    for (const url of ['https://2130706433/', 'https://0x7f.1/', 'https://0177.0.0.1/', 'https://[::ffff:7f00:1]/'])
      expect(() => checkWebhookUrl(url, strict)).toThrow(/loopback/);
  });

  it('allows http to loopback only when private addresses are allowed, and http elsewhere only with allowHttp', () => {
    expect(checkWebhookUrl('http://127.0.0.1:9/x', { allowPrivate: true, allowHttp: false }).toString()).toBe('http://127.0.0.1:9/x');
    expect(() => checkWebhookUrl('http://hooks.example.com/x', { allowPrivate: true, allowHttp: false })).toThrow(/unencrypted/);
    expect(checkWebhookUrl('http://hooks.example.com/x#frag', { allowPrivate: false, allowHttp: true }).toString()).toBe(
      'http://hooks.example.com/x',
    );
  });
});
