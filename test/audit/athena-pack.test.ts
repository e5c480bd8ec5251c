import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { athenaTestEnv, startFakeAthena, type FakeAthena } from "../fakes/athena.js";
import { openDuck, sqlString, type Duck } from "../helpers/duckdb.js";
import { repoRoot, runCli } from "../helpers/run-cli.js";
import { scratch } from "./pack-helpers.js";

let duck: Duck;
let fake: FakeAthena;
let dir: string;

beforeAll(async () => {
  duck = await openDuck();
  dir = scratch("athena");
  const part = join(dir, "cur/BILLING_PERIOD=2026-10/20261004T0100/part-0.parquet");
  mkdirSync(join(part, ".."), { recursive: true });
  const fixture = join(repoRoot, "test/fixtures/exports/cur2-traps.csv");
  await duck.rows(`COPY (SELECT * FROM read_csv(${sqlString(fixture)}, nullstr = ['NULL'], all_varchar = true)) TO ${sqlString(part)} (FORMAT parquet)`);
  fake = await startFakeAthena({ tables: { "cur.cur2": [part] } });
}, 60_000);
afterAll(async () => {
  await fake?.close();
  duck?.close();
});

describe("an --audit pack of an --athena-table run", () => {
  it("records the SQL and its execution parameters, and replays without Athena", async () => {
    const secret = "athena-Secret-DO-NOT-PACK-1e5f";
    const env = { HOME: dir, ...athenaTestEnv(fake.url, secret) };
    const pack = join(dir, "pack");
    const run = await runCli(["--athena-table", "cur.cur2", "--since", "2026-10-01", "--until", "2026-10-03", "--intensity", "static", "--format", "json", "--audit", pack], { env, cwd: dir, timeoutMs: 90_000 });
    expect(run.code, run.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(pack, "manifest.json"), "utf8")) as { queries: Record<string, { name: string; params: { sql: string; parameters: string[]; table: string } }[]> };
    const [query] = manifest.queries.athena!;
    expect(query!.name).toBe("StartQueryExecution");
    expect(query!.params.table).toBe("cur.cur2");
    expect(query!.params.sql).toMatch(/^\s*WITH source AS \(SELECT \* FROM/);
    expect(query!.params.parameters).toEqual(["'2026-10'", "'2026-10'", "'2026-10-01T00:00:00Z'", "'2026-10-04T00:00:00Z'"]);
    expect(readFileSync(join(pack, "manifest.json"), "utf8")).not.toContain(secret);
    await fake.close();
    const res = await runCli(["replay", pack], { cwd: dir, env: { HOME: dir } });
    expect(res.code, res.stdout + res.stderr).toBe(0);
  }, 120_000);
});
