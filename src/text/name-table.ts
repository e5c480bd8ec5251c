/**
 * Tables looked up by a name someone typed (an option's value, a region in a file). An object literal answers
 * for names it never held: `"constructor" in presets` is true and `presets.toString` is a function. These
 * tables have no prototype, and lookups read own entries only, so such a name is simply unknown.
 */
export function nameTable<T extends Record<string, unknown>>(entries: T): Readonly<T> {
  return Object.freeze(Object.assign(Object.create(null) as T, entries));
}

/** The entry named `name`, or undefined: own entries only, whatever the table's prototype. */
export function lookUp<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}
