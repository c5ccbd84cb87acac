// The package's browser entry: the default (node) entry loads every locale, we need English only.
import { getAlpha2Codes, getAlpha3Codes, getNames, registerLocale } from 'i18n-iso-countries/index';
import english from 'i18n-iso-countries/langs/en.json';

registerLocale(english);

/** Keys as written (alpha-2, alpha-3, English names) → alpha-2: most values hit without allocating. */
const EXACT = new Map<string, string>();
/** Same keys lower-cased, for values in another case or with stray spaces. */
const FOLDED = new Map<string, string>();

function addKey(key: string, alpha2: string, ambiguous: Set<string>): void {
  const folded = key.toLowerCase();
  const known = FOLDED.get(folded);
  if (known !== undefined && known !== alpha2) ambiguous.add(folded);
  if (known === undefined) FOLDED.set(folded, alpha2);
  if (!EXACT.has(key)) EXACT.set(key, alpha2);
}

function buildIndex(): void {
  const ambiguous = new Set<string>();
  // Codes first, so that no name alias can shadow a code.
  for (const alpha2 of Object.keys(getAlpha2Codes())) addKey(alpha2, alpha2, ambiguous);
  for (const [alpha3, alpha2] of Object.entries(getAlpha3Codes())) {
    addKey(alpha3, alpha2, ambiguous);
  }
  for (const [alpha2, names] of Object.entries(getNames('en', { select: 'all' }))) {
    for (const name of names) addKey(name, alpha2, ambiguous);
  }
  // A name shared by two countries ("Congo") cannot be mapped: keep such values as received.
  for (const folded of ambiguous) FOLDED.delete(folded);
  for (const [key] of EXACT) if (ambiguous.has(key.toLowerCase())) EXACT.delete(key);
}

buildIndex();

/**
 * ISO 3166-1 alpha-2 (upper-case) for an alpha-2 or alpha-3 code or an English country name in
 * any case; the value as received when it cannot be mapped, so nothing reported is lost.
 */
export function toCountryCode(value: string): string {
  return EXACT.get(value) ?? FOLDED.get(value.trim().toLowerCase()) ?? value;
}
