/** The longest error text kept for a rule. */
const MAX_ERROR_TEXT = 300;

/** Bearer tokens, JWTs (1Password tokens are JWTs), service-account and vaultwatch keys. */
const SECRET_LIKE =
  /\b(?:bearer\s+\S+|eyJ[\w-]*\.[\w-]*\.[\w-]*|ops_[\w-]+|vw_[\w-]+)|\b[A-Za-z0-9+/_-]{40,}={0,2}/gi;

/**
 * What a rule's failure shows its operators: the kind of error and its message, without
 * anything that looks like a secret, cut short. Never the event that made it fail.
 */
export function describeRuleError(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.name}: ${error.message}`
      : `Error: ${typeof error === 'string' ? error : 'a value that is not an Error was thrown'}`;
  const clean = text.replace(SECRET_LIKE, '[redacted]').replace(/\s+/g, ' ').trim();
  return clean.length > MAX_ERROR_TEXT ? `${clean.slice(0, MAX_ERROR_TEXT - 1)}…` : clean;
}
