/**
 * A 1Password account id as events carry it (`account_uuid`, Connect's `actor.account`): 26
 * upper-case letters and digits. Rules scoped to accounts and the account filters of the API
 * take ids in this form; a source definition may write it in lower case. It lives with the
 * configuration, below every module, so that the sources file and the API share one pattern.
 */
export const ACCOUNT_ID = /^[A-Z0-9]{26}$/;

export const ACCOUNT_ID_EXAMPLE = 'AB7ZWCDQJRF3LGNCYTR4U5DXKE';

export function isAccountId(value: unknown): value is string {
  return typeof value === 'string' && ACCOUNT_ID.test(value);
}

/** Why a value is refused, naming the field. */
export const ACCOUNT_ID_REASON = (field: string): string =>
  `${field} must be a 1Password account id: 26 upper-case letters and digits`;
