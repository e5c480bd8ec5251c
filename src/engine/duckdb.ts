import { CarbonTrackError, ExitCode } from "../errors.js";

/**
 * The embedded analytical engine (DuckDB), for Parquet files and the ledger. It costs about 240 ms to load, so it
 * is imported here, on the paths that need it, and nowhere else: --version, --help and plain runs never load it.
 */
export interface Engine {
  /** Runs statements; returns the rows they changed (for COPY … TO, the rows written). */
  run(sql: string): Promise<number>;
  /** A small result, whole: one object per row with plain JS values. */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  /** A result of any size, a chunk of rows at a time. */
  stream(sql: string): AsyncIterable<Record<string, unknown>[]>;
  close(): void;
}

export const duckdbPackage = "@duckdb/node-api@1.5.6-r.1";

/** A SQL string literal. */
export const lit = (text: string): string => `'${text.replaceAll("'", "''")}'`;

export async function openEngine(): Promise<Engine> {
  let duckdb: typeof import("@duckdb/node-api");
  try {
    duckdb = await import("@duckdb/node-api");
  } catch (err) {
    throw new CarbonTrackError(
      `Parquet and the ledger need ${duckdbPackage}, which cannot be loaded (${(err as Error).message.split("\n")[0]}): npm install ${duckdbPackage}`,
      ExitCode.usage,
    );
  }
  // Nothing is ever downloaded at run time: Parquet, JSON and ICU are built in; any other extension fails locally.
  const instance = await duckdb.DuckDBInstance.create(":memory:", {
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  });
  const conn = await instance.connect();
  // Timestamps read back and written out in UTC, whatever the machine's zone.
  await conn.run("SET TimeZone = 'UTC'");
  return {
    async run(sql) {
      return (await conn.run(sql)).rowsChanged;
    },
    async rows(sql) {
      return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    },
    async *stream(sql) {
      const result = await conn.stream(sql);
      for await (const rows of result.yieldRowObjectJs()) yield rows as Record<string, unknown>[];
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
