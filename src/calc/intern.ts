/**
 * Returns one shared copy of each distinct string it is given. A million rows repeat a few hundred period
 * strings; keeping one copy of each keeps the memory of the aggregates independent of the number of rows.
 */
export function interner(): (s: string) => string {
  const pool = new Map<string, string>();
  return (s) => {
    const have = pool.get(s);
    if (have !== undefined) return have;
    pool.set(s, s);
    return s;
  };
}
