import type { UsageRecord } from "../schema.js";
import { plainUtcInstantMs } from "../text/calendar.js";
import { normaliseRegion } from "./azure/region.js";

/**
 * The duplicate check of --input in bounded memory: one 53-bit hash per distinct row key, not the key itself.
 * A hash seen before is only a hint (two keys can share a hash): the caller confirms it by comparing the real keys.
 */

/**
 * The fields that make a row one usage, each in one spelling, so that the same usage written two ways is caught as
 * a duplicate rather than counted twice. The period start is its instant (`…00Z`, `…00.000Z`). Regions and instance
 * types are case-folded: Azure locations and VM sizes are case-insensitive (and a location may be its display name,
 * "East US" being eastus); AWS and GCP names exist in lower case only, so another case can only be the same name.
 * Accounts are kept as written: an export may name them in any way.
 */
export function rowKey(r: UsageRecord): string[] {
  const region = r.provider === "azure" ? normaliseRegion(r.region) : r.region.toLowerCase();
  const ms = plainUtcInstantMs(r.periodStart);
  return [r.provider, r.account, region, r.instanceType.toLowerCase(), r.unit, String(ms === ms ? ms : Date.parse(r.periodStart))];
}

export const sameRowKey = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((f, i) => f === b[i]);

const presentBit = 1 << 21;
const lowMask21 = presentBit - 1;

/** Avalanche of a 32-bit lane, so that close inputs land far apart. */
function finish32(h: number, m1: number, m2: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, m1);
  h ^= h >>> 13;
  h = Math.imul(h, m2);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Two independent 32-bit lanes over the first `count` fields (each followed by a separator no UTF-16 unit can equal). */
export function keyHash(fields: readonly string[], count = fields.length): { lo: number; hi: number } {
  let a = 0x811c9dc5;
  let b = 0x2545f491;
  for (let n = 0; n < count; n++) {
    const f = fields[n]!;
    for (let i = 0; i < f.length; i++) {
      const c = f.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
    }
    a = Math.imul(a ^ 0x10000, 0x01000193);
    b = Math.imul(b ^ 0x10000, 0x5bd1e995);
  }
  return { lo: finish32(a, 0x85ebca6b, 0xc2b2ae35), hi: finish32(b, 0x7feb352d, 0x846ca68b) & lowMask21 };
}

/**
 * A set of 53-bit hashes in two typed arrays with open addressing (linear probing), kept at most half full:
 * 8 bytes a slot, so 16 bytes per distinct key, 24 while it doubles. 1,000,000 keys take 16 MB; a Set of numbers
 * would take about 40 bytes a key, a Map of key strings about 200.
 */
export class HashSet53 {
  private lo = new Uint32Array(1024);
  private hi = new Uint32Array(1024);
  private size = 0;

  has(h: { lo: number; hi: number }): boolean {
    const mask = this.lo.length - 1;
    const tag = h.hi | presentBit;
    for (let i = h.lo & mask; this.hi[i] !== 0; i = (i + 1) & mask) if (this.hi[i] === tag && this.lo[i] === h.lo) return true;
    return false;
  }

  /** Adds a hash; false when it was already there. */
  add(h: { lo: number; hi: number }): boolean {
    if (2 * (this.size + 1) > this.lo.length) this.grow();
    const mask = this.lo.length - 1;
    const tag = h.hi | presentBit;
    for (let i = h.lo & mask; ; i = (i + 1) & mask) {
      if (this.hi[i] === 0) {
        this.lo[i] = h.lo;
        this.hi[i] = tag;
        this.size++;
        return true;
      }
      if (this.hi[i] === tag && this.lo[i] === h.lo) return false;
    }
  }

  private grow(): void {
    const { lo, hi } = this;
    this.lo = new Uint32Array(lo.length * 2);
    this.hi = new Uint32Array(lo.length * 2);
    this.size = 0;
    for (let i = 0; i < lo.length; i++) if (hi[i] !== 0) this.add({ lo: lo[i]!, hi: hi[i]! & lowMask21 });
  }
}
