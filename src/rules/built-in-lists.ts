/**
 * The named lists the built-in templates refer to, created empty (or with public defaults)
 * on first start. Templates that need a list filled by the operator ship disabled.
 */
export const BUILT_IN_LISTS: ReadonlyArray<{ name: string; items: string[]; description: string }> =
  [
    {
      name: 'serviceAccounts',
      items: [],
      description:
        'Actor ids or emails of service accounts and the SCIM bridge, ignored by rules about people',
    },
    {
      name: 'corporateEgress',
      items: [],
      description: 'CIDRs of corporate networks and VPN egress, ignored by impossible travel',
    },
    { name: 'privilegedVaults', items: [], description: 'Vault ids whose use deserves attention' },
    {
      name: 'privilegedGroups',
      items: [],
      description: 'Group ids such as Owners and Administrators',
    },
    { name: 'sensitiveItems', items: [], description: 'Item ids whose use deserves attention' },
    {
      name: 'deniedCountries',
      items: [],
      description: 'ISO 3166-1 alpha-2 codes from which any activity is suspicious',
    },
    {
      name: 'trustedNetworks',
      items: [],
      description: 'CIDRs of managed networks (offices, VPN) sign-ins are expected from',
    },
    { name: 'torExitNodes', items: [], description: 'Tor exit node addresses (from a feed)' },
    { name: 'threatIntel', items: [], description: 'Known-malicious addresses (from a feed)' },
    {
      name: 'knownConnectTokens',
      items: [],
      description: 'Token ids (jti) of the Connect tokens you issued',
    },
    {
      name: 'connectAllowedCidrs',
      items: [],
      description: 'CIDRs Connect servers are expected to be called from',
    },
  ];
