import { DuckDBInstance } from "@duckdb/node-api";

/** DuckDB itself, as a BI user would run it: reads what carbon-track wrote, without carbon-track. */
export interface Duck {
  rows(sql: string): Promise<Record<string, unknown>[]>;
  close(): void;
}

export async function openDuck(): Promise<Duck> {
  const instance = await DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false", autoload_known_extensions: "false" });
  const conn = await instance.connect();
  await conn.run("SET TimeZone = 'UTC'");
  return {
    rows: async (sql) => (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[],
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}

export const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;
