import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { athenaTestEnv, startFakeAthena, type FakeAthena } from "../fakes/athena.js";
import { openDuck, sqlString, type Duck } from "../helpers/duckdb.js";
import { repoRoot, runCli } from "../helpers/run-cli.js";

const fixture = join(repoRoot, "test/fixtures/exports/focus-1.2-tags.csv");

let duck: Duck;
let fake: FakeAthena;
const env = (): Record<string, string> => athenaTestEnv(fake.url);

beforeAll(async () => {
  duck = await openDuck();
  const dir = mkdtempSync(join(tmpdir(), "ct-attr-athena-"));
  const file = join(dir, "focus/part-0.parquet");
  mkdirSync(join(file, ".."), { recursive: true });
  await duck.rows(`COPY (SELECT * FROM read_csv(${sqlString(fixture)}, nullstr = ['NULL'], all_varchar = true)) TO ${sqlString(file)} (FORMAT parquet)`);
  fake = await startFakeAthena({ tables: { "billing.focus": [file] } });
});
afterAll(async () => {
  await fake.close();
  duck.close();
});

describe("--athena-table with --group-by: FOCUS Tags in Trino's JSON functions", () => {
  it("hours per team × account × region × type × day equal the file's truth and add up to the ungrouped hours", async () => {
    const run = async (extra: string[]) => {
      const res = await runCli(["--format", "csv", "--intensity", "static", "--athena-table", "billing.focus", "--since", "2026-10-05", "--until", "2026-10-06", ...extra], { env: env(), timeoutMs: 90_000 });
      expect(res.code, res.stderr).toBe(0);
      const hours: Record<string, number> = {};
      for (const r of parse(res.stdout, { columns: true }) as Record<string, string>[]) {
        const id = [r.provider, r.region, r.instance_type, r.period_start!.slice(0, 10), r.tag_team ?? "-"].join(" ");
        hours[id] = Number(((hours[id] ?? 0) + Number(r.quantity_hours)).toFixed(6));
      }
      return hours;
    };
    const grouped = await run(["--group-by", "tag:team"]);
    expect(grouped).toEqual({
      "aws us-east-1 p5.48xlarge 2026-10-05 ml-research": 24,
      "aws us-east-1 p5.48xlarge 2026-10-05 search": 10,
      "aws us-east-1 g5.12xlarge 2026-10-05 (untagged)": 8,
      "aws us-east-1 p5.48xlarge 2026-10-06 ml-research": 12,
      "aws us-east-1 p5.48xlarge 2026-10-06 (untagged)": 6,
      "azure eastus Standard_NC24ads_A100_v4 2026-10-05 vision": 24,
      "azure eastus Standard_NC24ads_A100_v4 2026-10-05 (untagged)": 4,
      "gcp us-east1 nvidia-tesla-t4 2026-10-05 vision": 10,
      "gcp us-east1 nvidia-tesla-t4 2026-10-05 (untagged)": 2,
    });
    const sql = fake.queries.at(-1)!.sql;
    expect(sql).toContain(`json_extract_scalar(CAST("Tags" AS VARCHAR), '$["team"]')`);
    const plain = await run([]);
    const summed: Record<string, number> = {};
    for (const [id, h] of Object.entries(grouped)) {
      const base = `${id.split(" ").slice(0, 4).join(" ")} -`;
      summed[base] = Number(((summed[base] ?? 0) + h).toFixed(6));
    }
    expect(summed).toEqual(plain);
  }, 120_000);
});
