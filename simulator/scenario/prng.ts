/**
 * Seeded randomness for the scenario generator. mulberry32 is tiny, fast and good enough for
 * test data; every consumer gets its own stream forked from a label, so adding a draw in one
 * place does not reshuffle everything else.
 */

/** FNV-1a over the string form, then fmix32: a 32-bit seed from any label. */
export function hashSeed(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    const s = typeof part === 'number' ? `#${part}` : part;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x2f; // separator, so ('ab','c') and ('a','bc') differ
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** MurmurHash3 finaliser: a bijection on 32-bit integers (used to make ids unique by construction). */
export function fmix32(input: number): number {
  let h = input | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  static from(...parts: Array<string | number>): Rng {
    return new Rng(hashSeed(...parts));
  }

  /** Unsigned 32-bit integer (mulberry32). */
  u32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [min, max] inclusive. */
  range(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  uniform(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick: empty list');
    return items[this.int(items.length)];
  }

  /** Index drawn with probability proportional to weights. */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  /** k distinct elements, order random (partial Fisher-Yates on a copy). */
  sample<T>(items: readonly T[], k: number): T[] {
    const copy = items.slice();
    const n = Math.min(k, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + this.int(copy.length - i);
      const tmp = copy[i];
      copy[i] = copy[j];
      copy[j] = tmp;
    }
    return copy.slice(0, n);
  }

  /** Standard normal (Box-Muller, one value per call to keep the stream simple). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Poisson count: Knuth below 30, rounded normal approximation above (fast and close enough). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.next();
      while (p > limit) {
        k++;
        p *= this.next();
      }
      return k;
    }
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
  }

  /** Log-uniform in [min, max]: delays spread over orders of magnitude. */
  logUniform(min: number, max: number): number {
    return Math.exp(this.uniform(Math.log(min), Math.log(max)));
  }

  /** A child stream whose sequence depends only on this stream's next draw and the label. */
  fork(label: string | number): Rng {
    return new Rng(hashSeed(this.u32(), label));
  }
}

const BASE32_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE32_LOWER = 'abcdefghijklmnopqrstuvwxyz234567';
const UPPER_CODES = Array.from(BASE32_UPPER, (c) => c.charCodeAt(0));
const LOWER_CODES = Array.from(BASE32_LOWER, (c) => c.charCodeAt(0));
const HEX_CODES = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const DASH = 45;
const scratch: number[] = new Array<number>(36).fill(0);

/**
 * Builds a flat string from character codes. Concatenating character by character would leave
 * V8 "cons string" chains of hundreds of bytes per id; a million ids would cost a gigabyte.
 */
function flat(codes: number[], length: number): string {
  return String.fromCharCode.apply(null, codes.length === length ? codes : codes.slice(0, length));
}

/**
 * 26 base32 characters (130 bits). The first 7 characters encode fmix32(unique), a bijection, so
 * two different `unique` values can never give the same id; the rest is random filler.
 */
function base32Id(alphabet: readonly number[], unique: number, rng: Rng): string {
  let u = fmix32(unique);
  // 32 bits -> 6 chars of 5 bits + 1 char of the remaining 2 bits
  for (let i = 0; i < 6; i++) {
    scratch[i] = alphabet[u & 31];
    u >>>= 5;
  }
  let r = rng.u32();
  scratch[6] = alphabet[(u & 3) | ((r & 7) << 2)];
  r >>>= 3;
  let bits = 29;
  for (let i = 7; i < 26; i++) {
    if (bits < 5) {
      r = rng.u32();
      bits = 32;
    }
    scratch[i] = alphabet[r & 31];
    r >>>= 5;
    bits -= 5;
  }
  return flat(scratch, 26);
}

/** Events API event / user uuid style: 26 upper-case base32 characters. */
export function upperId(unique: number, rng: Rng): string {
  return base32Id(UPPER_CODES, unique, rng);
}

/** Vault, item, device and Connect id style: 26 lower-case base32 characters. */
export function lowerId(unique: number, rng: Rng): string {
  return base32Id(LOWER_CODES, unique, rng);
}

/** RFC 4122 version-4 shaped uuid, lower-case; the first 8 hex digits are fmix32(unique). */
export function uuidV4(unique: number, rng: Rng): string {
  const u = fmix32(unique);
  for (let i = 0; i < 8; i++) scratch[i] = HEX_CODES[(u >>> (28 - 4 * i)) & 15];
  let r = rng.u32();
  let nibbles = 8;
  for (let i = 8; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      scratch[i] = DASH;
      continue;
    }
    if (nibbles === 0) {
      r = rng.u32();
      nibbles = 8;
    }
    scratch[i] = HEX_CODES[r & 15];
    r >>>= 4;
    nibbles--;
  }
  scratch[14] = 52; // '4': version
  scratch[19] = HEX_CODES[8 + (r & 3)]; // variant 10xx
  return flat(scratch, 36);
}
