import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { PermanentDeliveryError } from '../channels/channel';
import { classifyAddress } from './address-class';

/** The `code` of a refusal: it survives the wrapping of HTTP and SMTP clients. */
export const DESTINATION_REFUSED = 'EDESTINATIONREFUSED';

/** The setting that lets channels reach private addresses (tests, the demo, internal relays). */
export const ALLOW_PRIVATE_SETTING = 'ALLOW_PRIVATE_DESTINATIONS';

/** A destination on an internal address: retrying cannot make it public. */
export class DestinationRefusedError extends PermanentDeliveryError {
  readonly code = DESTINATION_REFUSED;

  constructor(message: string) {
    super(message, 'refused_destination');
    this.name = 'DestinationRefusedError';
  }
}

type Resolver = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * Keeps outbound requests away from internal addresses (loopback, private, link-local, cloud
 * metadata…) unless the operator allows them. The check happens on the resolved addresses,
 * inside the connection's own lookup, so the socket connects to the address that was checked:
 * a name that resolves to a public address once and to 127.0.0.1 the next time cannot slip by.
 */
export class DestinationGuard {
  constructor(
    readonly allowPrivate: boolean,
    private readonly resolve: Resolver = dnsLookup,
  ) {}

  /** Why a literal IP host may not be reached; null for names and allowed addresses. */
  literalRefusal(host: string): string | null {
    if (this.allowPrivate) return null;
    const bare = host.replace(/^\[(.*)\]$/, '$1');
    if (isIP(bare.replace(/%.*$/, '')) === 0) return null;
    const kind = classifyAddress(bare);
    return kind === 'public' ? null : `${kind} address, refused (${ALLOW_PRIVATE_SETTING} is off)`;
  }

  /** Throws when `host` is a literal IP that may not be reached (sockets skip lookup for IPs). */
  assertLiteral(host: string): void {
    const refusal = this.literalRefusal(host);
    if (refusal) throw new DestinationRefusedError(`destination ${host}: ${refusal}`);
  }

  /**
   * A `lookup` for `net.connect`, `http.Agent` and the like. Every address the name resolves
   * to must be public: one internal answer refuses the name, so that a resolver's order or
   * a retry on the next address cannot reach it.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      const refused = this.allowPrivate
        ? undefined
        : addresses.find((entry) => classifyAddress(entry.address) !== 'public');
      if (refused) {
        callback(
          new DestinationRefusedError(
            `destination ${hostname} resolves to ${refused.address}, a ${classifyAddress(refused.address)} address, refused (${ALLOW_PRIVATE_SETTING} is off)`,
          ),
          '',
          0,
        );
        return;
      }
      if (addresses.length === 0) {
        callback(Object.assign(new Error(`${hostname}: no address`), { code: 'ENOTFOUND' }), '', 0);
        return;
      }
      if (options.all)
        (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
}
