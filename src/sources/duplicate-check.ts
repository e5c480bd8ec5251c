import { HashSet53, keyHash } from "./row-keys.js";

const HOUR_MS = 3_600_000;

/** A usage (provider, account, region, type, unit) and the whole hours its rows start on, as bits. */
interface Usage {
  /** The hour of bit 0 of `bits` (a multiple of 32). */
  firstHour: number;
  bits: Uint32Array;
  rows: number;
  /** Rows of this usage kept in the exact set instead. */
  elsewhere: number;
}

/**
 * The --input duplicate check, in memory that does not follow the number of rows. Billing rows are a few usages
 * each repeated over many periods that start on whole hours, so a row is its usage (one 53-bit hash of the five
 * fields but the period, looked up once per row) and one bit for its start hour: 1,000,000 hourly rows of 1,400
 * usages over 30 days take about 150 KB, where a hash per row took 16-24 MB (5,000,000 rows: 80-120 MB).
 * A start that is not on a whole hour, or a bit that would stretch a usage's bitmap beyond a few bits per row of it,
 * goes to an exact set of 53-bit row hashes (HashSet53) instead. As before, a repeat is only a hint: the caller
 * compares the real keys (two usages can share a hash).
 */
export class DuplicateCheck {
  private readonly usages = new Map<number, Usage>();
  private readonly exact = new HashSet53();

  /** `key`: a row's key (rowKey: the usage's five fields, then the start's epoch ms). False when it may repeat one. */
  add(key: readonly string[]): boolean {
    const h = keyHash(key, 5);
    const usage = this.usageOf(h.lo * 2097152 + h.hi);
    usage.rows++;
    const hour = Number(key[5]) / HOUR_MS;
    if (Number.isInteger(hour) && fits(usage, hour)) {
      const at = hour - usage.firstHour;
      const bit = 1 << (at & 31);
      const word = at >>> 5;
      if ((usage.bits[word]! & bit) !== 0) return false;
      usage.bits[word]! |= bit;
      return usage.elsewhere === 0 || !this.exact.has(keyHash(key));
    }
    usage.elsewhere++;
    return this.exact.add(keyHash(key));
  }

  private usageOf(hash: number): Usage {
    let u = this.usages.get(hash);
    if (u === undefined) this.usages.set(hash, (u = { firstHour: 0, bits: new Uint32Array(0), rows: 0, elsewhere: 0 }));
    return u;
  }
}

/** Makes room for `hour` in the usage's bitmap, unless that would cost more than 16 bytes per row of it. */
function fits(usage: Usage, hour: number): boolean {
  const floor32 = hour - (hour & 31);
  if (usage.bits.length === 0) {
    usage.firstHour = floor32;
    usage.bits = new Uint32Array(2);
    return true;
  }
  const from = usage.firstHour;
  const to = from + usage.bits.length * 32;
  if (hour >= from && hour < to) return true;
  const left = hour < from;
  // Doubling keeps the copies few; the cap keeps a usage of a few far-apart rows from costing a long bitmap.
  const words = Math.max(Math.ceil(((left ? to : hour + 1) - (left ? floor32 : from)) / 32), usage.bits.length * 2);
  if (words > 64 + 4 * usage.rows) return false;
  const first = left ? to - words * 32 : from;
  const grown = new Uint32Array(words);
  grown.set(usage.bits, (from - first) / 32);
  usage.firstHour = first;
  usage.bits = grown;
  return true;
}
