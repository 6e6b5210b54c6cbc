import { InvalidCidrError, parseCidr, SourceAllowlist } from '../../../lambdas/http/source-allowlist';

// Documentation ranges (RFC 5737, RFC 3849) and one provider's published IPv6 block.
const ALLOWLIST = new SourceAllowlist(['192.0.2.0/24', '198.51.100.7/32', '2001:db8:abcd::/48', '2600:1f18::/32']);

describe('Class: SourceAllowlist', () => {
  describe('Method: allows', () => {
    it.each([
      { case: 'IPv4 inside a /24', sourceIp: '192.0.2.1', allowed: true },
      { case: 'IPv4 at the first address of a /24', sourceIp: '192.0.2.0', allowed: true },
      { case: 'IPv4 at the last address of a /24', sourceIp: '192.0.2.255', allowed: true },
      { case: 'IPv4 just past a /24', sourceIp: '192.0.3.0', allowed: false },
      { case: 'IPv4 equal to a /32', sourceIp: '198.51.100.7', allowed: true },
      { case: 'IPv4 next to a /32', sourceIp: '198.51.100.8', allowed: false },
      { case: 'IPv4 elsewhere', sourceIp: '203.0.113.10', allowed: false },
      { case: 'IPv4-mapped IPv6 inside an IPv4 block (a dual-stack socket)', sourceIp: '::ffff:192.0.2.9', allowed: true },
      { case: 'IPv4-mapped IPv6 outside every IPv4 block', sourceIp: '::ffff:203.0.113.10', allowed: false },
      { case: 'IPv6 inside a /48', sourceIp: '2001:db8:abcd:12::1', allowed: true },
      { case: 'IPv6 inside a /48, upper case', sourceIp: '2001:DB8:ABCD::FFFF', allowed: true },
      { case: 'IPv6 inside a /48, fully written', sourceIp: '2001:0db8:abcd:0000:0000:0000:0000:0001', allowed: true },
      { case: 'IPv6 just past a /48', sourceIp: '2001:db8:abce::1', allowed: false },
      { case: 'IPv6 inside a /32', sourceIp: '2600:1f18:7fff:ffff::1', allowed: true },
      { case: 'IPv6 loopback', sourceIp: '::1', allowed: false },
      { case: 'malformed: empty', sourceIp: '', allowed: false },
      { case: 'malformed: a host name', sourceIp: 'sender.example.com', allowed: false },
      { case: 'malformed: padded with a space', sourceIp: ' 192.0.2.1', allowed: false },
      { case: 'malformed: a CIDR block, not an address', sourceIp: '192.0.2.1/32', allowed: false },
      { case: 'malformed: an octet over 255', sourceIp: '192.0.2.256', allowed: false },
      { case: 'malformed: a leading zero (octal to some parsers)', sourceIp: '192.0.2.01', allowed: false },
      { case: 'malformed: an X-Forwarded-For list', sourceIp: '192.0.2.1, 203.0.113.10', allowed: false },
      { case: 'absent: null', sourceIp: null, allowed: false },
      { case: 'absent: undefined', sourceIp: undefined, allowed: false },
    ])('$case: $sourceIp → $allowed', ({ sourceIp, allowed }) => {
      expect(ALLOWLIST.allows(sourceIp)).toBe(allowed);
    });

    it('allows nothing with no blocks: a route without an allowlist is not checked at all', () => {
      expect(new SourceAllowlist([]).allows('192.0.2.1')).toBe(false);
    });

    it('allows every IPv4 address with 0.0.0.0/0 and no IPv6 address', () => {
      const anyIpv4 = new SourceAllowlist(['0.0.0.0/0']);
      expect(['203.0.113.10', '2001:db8::1'].map((ip) => anyIpv4.allows(ip))).toEqual([true, false]);
    });
  });

  describe('Method: constructor', () => {
    it.each([
      { case: 'no prefix', cidr: '192.0.2.0' },
      { case: 'IPv4 prefix over 32', cidr: '192.0.2.0/33' },
      { case: 'IPv6 prefix over 128', cidr: '2001:db8::/129' },
      { case: 'negative prefix', cidr: '192.0.2.0/-1' },
      { case: 'empty prefix', cidr: '192.0.2.0/' },
      { case: 'not an address', cidr: 'example.com/24' },
      { case: 'empty', cidr: '' },
    ])('refuses $case ("$cidr") with InvalidCidrError', ({ cidr }) => {
      expect(() => new SourceAllowlist(['192.0.2.0/24', cidr])).toThrow(InvalidCidrError);
    });
  });
});

describe('Function: parseCidr', () => {
  it.each([
    { cidr: '192.0.2.0/24', parsed: { address: '192.0.2.0', prefix: 24, family: 'ipv4' } },
    { cidr: '0.0.0.0/0', parsed: { address: '0.0.0.0', prefix: 0, family: 'ipv4' } },
    { cidr: '2001:db8::/32', parsed: { address: '2001:db8::', prefix: 32, family: 'ipv6' } },
    { cidr: '::/0', parsed: { address: '::', prefix: 0, family: 'ipv6' } },
  ])('reads $cidr', ({ cidr, parsed }) => {
    expect(parseCidr(cidr)).toEqual(parsed);
  });
});
