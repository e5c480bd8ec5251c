import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFocusEngine } from "../fakes/bigquery-focus.js";
import { startBigQueryFake } from "../fakes/bigquery.js";
import { openDuck, sqlString, type Duck } from "../helpers/duckdb.js";
import { gcpTestEnv } from "../sources/gcp/harness.js";
import { repoRoot, runCli } from "../helpers/run-cli.js";

const fixture = join(repoRoot, "test/fixtures/exports/focus-1.2-tags.csv");

/** By hand from the fixture: provider account region type day team cluster → hours. `{}`, NULL, "" and text that is not JSON are untagged. */
const truth: Record<string, number> = {
  "aws 111122223333 us-east-1 p5.48xlarge 2026-10-05 ml-research train-east": 24,
  "aws 111122223333 us-east-1 p5.48xlarge 2026-10-05 search (untagged)": 10,
  "aws 111122223333 us-east-1 g5.12xlarge 2026-10-05 (untagged) (untagged)": 8,
  "aws 111122223333 us-east-1 p5.48xlarge 2026-10-06 ml-research train-east": 12,
  "aws 111122223333 us-east-1 p5.48xlarge 2026-10-06 (untagged) (untagged)": 6,
  "azure 3f2c8a91-5d0e-4c7b-9a61-2e8f4b7d1c05 eastus Standard_NC24ads_A100_v4 2026-10-05 vision (untagged)": 24,
  "azure 3f2c8a91-5d0e-4c7b-9a61-2e8f4b7d1c05 eastus Standard_NC24ads_A100_v4 2026-10-05 (untagged) (untagged)": 4,
  "gcp vision-serving us-east1 nvidia-tesla-t4 2026-10-05 vision (untagged)": 10,
  "gcp vision-serving us-east1 nvidia-tesla-t4 2026-10-05 (untagged) (untagged)": 2,
};

/** Hours per row key from the detail CSV on stdout; `columns` are the key columns appended at the end. */
async function detail(args: string[], columns: string[]): Promise<{ hours: Record<string, number>; header: string[] }> {
  const res = await runCli(["--format", "csv", "--intensity", "static", ...args], { timeoutMs: 60_000 });
  expect(res.code, res.stderr).toBe(0);
  const rows = parse(res.stdout, { columns: true }) as Record<string, string>[];
  const hours: Record<string, number> = {};
  for (const r of rows) {
    const id = [r.provider, r.account, r.region, r.instance_type, r.period_start!.slice(0, 10), ...columns.map((c) => r[c])].join(" ");
    hours[id] = Number(((hours[id] ?? 0) + Number(r.quantity_hours)).toFixed(6));
  }
  return { hours, header: res.stdout.split("\r\n")[0]!.split(",") };
}

const collapse = (byValue: Record<string, number>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [id, h] of Object.entries(byValue)) {
    const base = id.split(" ").slice(0, 5).join(" ");
    out[base] = Number(((out[base] ?? 0) + h).toFixed(6));
  }
  return out;
};

let duck: Duck;
let dir: string;
beforeAll(async () => {
  duck = await openDuck();
  dir = mkdtempSync(join(tmpdir(), "ct-attr-focus-"));
});
afterAll(() => duck.close());

describe("--export with --group-by: FOCUS Tags read by the embedded engine", () => {
  it("hours per tag value × account × region × type × day equal the truth and add up to the ungrouped hours", async () => {
    const grouped = await detail(["--export", fixture, "--group-by", "tag:team", "--group-by", "tag:aws:eks:cluster-name"], ["tag_team", "tag_aws_eks_cluster_name"]);
    expect(grouped.hours).toEqual(truth);
    expect(grouped.header.slice(-2)).toEqual(["tag_team", "tag_aws_eks_cluster_name"]);
    const plain = await detail(["--export", fixture], []);
    expect(collapse(truth)).toEqual(plain.hours);
    expect(plain.header).not.toContain("tag_team");
  });

  it("a Parquet file whose Tags is a MAP gives the same", async () => {
    const file = join(dir, "tags.parquet");
    await duck.rows(
      `COPY (SELECT * REPLACE (TRY_CAST(TRY_CAST(Tags AS JSON) AS MAP(VARCHAR, VARCHAR)) AS Tags) FROM read_csv(${sqlString(fixture)}, nullstr = ['NULL'], all_varchar = true)) TO ${sqlString(file)} (FORMAT parquet)`,
    );
    const types = await duck.rows(`SELECT typeof(Tags) AS t FROM read_parquet(${sqlString(file)}) LIMIT 1`);
    expect(types[0]?.t).toBe("MAP(VARCHAR, VARCHAR)");
    const grouped = await detail(["--export", file, "--group-by", "tag:team", "--group-by", "tag:aws:eks:cluster-name"], ["tag_team", "tag_aws_eks_cluster_name"]);
    expect(grouped.hours).toEqual(truth);
  });
});

describe("--focus-table with --group-by: FOCUS Tags read by BigQuery (GoogleSQL, run by the fake)", () => {
  it("hours per tag value × account × region × type × day equal the same truth", async () => {
    const engine = await startFocusEngine({ "finops-prod.focus.tags": { csv: [fixture] } });
    const fake = await startBigQueryFake({ focus: engine });
    try {
      const res = await runCli(
        ["--format", "csv", "--intensity", "static", "--focus-table", "finops-prod.focus.tags", "--since", "2026-10-01", "--until", "2026-10-31", "--group-by", "tag:team", "--group-by", "tag:aws:eks:cluster-name"],
        { env: gcpTestEnv(fake.url), timeoutMs: 90_000 },
      );
      expect(res.code, res.stderr).toBe(0);
      const hours: Record<string, number> = {};
      for (const r of parse(res.stdout, { columns: true }) as Record<string, string>[]) {
        const id = [r.provider, r.account, r.region, r.instance_type, r.period_start!.slice(0, 10), r.tag_team, r.tag_aws_eks_cluster_name].join(" ");
        hours[id] = Number(((hours[id] ?? 0) + Number(r.quantity_hours)).toFixed(6));
      }
      expect(hours).toEqual(truth);
      // The tag names travel inside the SQL's JSON paths, quoted; the window as parameters.
      const sent = fake.calls.find((c) => c.path.endsWith("/queries"))!.body!.query as string;
      expect(sent).toContain(`'$."aws:eks:cluster-name"'`);
    } finally {
      await fake.close();
      engine.close();
    }
  });
});
