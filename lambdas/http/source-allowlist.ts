import { BlockList, isIP } from 'node:net';

/**
 * What a refusal for a source outside a route's `allowedSourceCidrs` says, wherever it is made: the
 * REST API's resource policy (its ACCESS_DENIED gateway answer) and the verifier give the same
 * `{ "error", "code": "FORBIDDEN" }` body.
 */
export const SOURCE_NOT_ALLOWED_MESSAGE = 'This source address may not call this route';

/** A CIDR block that cannot be read: the route's allowlist cannot be enforced, so nothing may start with it. */
export class InvalidCidrError extends Error {
  public constructor(cidr: string) {
    super(`"${cidr}" is not an IPv4 or IPv6 CIDR block (e.g. 192.0.2.0/24, 2001:db8::/32)`);
    this.name = 'InvalidCidrError';
  }
}

type Family = 'ipv4' | 'ipv6';

/** `192.0.2.0/24` → its address, prefix length and family; throws InvalidCidrError for anything else. */
export function parseCidr(cidr: string): { readonly address: string; readonly prefix: number; readonly family: Family } {
  const slash = cidr.indexOf('/');
  const address = slash === -1 ? '' : cidr.slice(0, slash);
  const prefixText = cidr.slice(slash + 1);
  const version = isIP(address);
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : Number.NaN;
  if (version === 0 || !(prefix <= (version === 4 ? 32 : 128))) throw new InvalidCidrError(cidr);
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * The source addresses a route accepts: its IPv4 and IPv6 CIDR blocks, matched by Node's own
 * `net.BlockList`. An IPv4 block also matches the same address written IPv4-mapped in IPv6
 * (`::ffff:192.0.2.1`, as a dual-stack socket reports an IPv4 peer). Anything that is not an IP
 * address — absent, empty, padded, a host name — is outside every allowlist: the check fails closed.
 */
export class SourceAllowlist {
  readonly #blocks = new BlockList();

  /** @throws InvalidCidrError for a block that cannot be read */
  public constructor(cidrs: readonly string[]) {
    for (const cidr of cidrs) {
      const { address, prefix, family } = parseCidr(cidr);
      this.#blocks.addSubnet(address, prefix, family);
    }
  }

  /** Whether `sourceIp` (API Gateway's `requestContext.identity.sourceIp`) lies in one of the blocks. */
  public allows(sourceIp: string | null | undefined): boolean {
    if (typeof sourceIp !== 'string') return false;
    const version = isIP(sourceIp);
    if (version === 0) return false;
    return this.#blocks.check(sourceIp, version === 4 ? 'ipv4' : 'ipv6');
  }
}
