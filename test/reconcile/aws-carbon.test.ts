import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEngine, type Engine } from "../../src/engine/duckdb.js";
import { readAwsCarbonFiles } from "../../src/reconcile/aws-sources.js";
import { openDuck, sqlString } from "../helpers/duckdb.js";

// The CARBON_EMISSIONS export read by the embedded engine, in-process: the shapes and units the documentation allows.

const header = "usage_period_start,usage_period_end,usage_account_id,payer_account_id,region_code,location,product_code,model_version,last_refresh_timestamp,total_lbm_emissions_value,total_lbm_emissions_unit,total_mbm_emissions_value,total_mbm_emissions_unit";
const line = (month: string, account: string, region: string, product: string, lbm: number, mbm: number, unit = "MTCO2e"): string =>
  `${month}-01 00:00:00Z,${month}-28 00:00:00Z,${account},999900001111,${region},Somewhere,${product},v1.0.0,${month}-27 00:00:00Z,${lbm},${unit},${mbm},${unit}`;

let engine: Engine;
let dir: string;
beforeAll(async () => {
  engine = await openEngine();
  dir = mkdtempSync(join(tmpdir(), "ct-aws-carbon-"));
});
afterAll(() => engine.close());

describe("CARBON_EMISSIONS files", () => {
  it("an export without scope columns compares total_lbm (scopes 1 + 2), in kg, EC2 and SageMaker apart from the rest", async () => {
    const file = join(dir, "old-shape.csv");
    writeFileSync(
      file,
      [
        header,
        line("2026-10", "012345678901", "us-east-1", "AmazonEC2", 1.5, 0.5),
        line("2026-10", "012345678901", "us-east-1", "AmazonSageMaker", 0.25, 0.125),
        line("2026-10", "012345678901", "us-east-1", "AmazonS3", 0.1, 0.05),
        line("2026-11", "012345678901", "us-east-1", "AmazonEC2", 9, 9),
      ].join("\n"),
    );
    const f = await readAwsCarbonFiles(engine, [file], { since: "2026-10", until: "2026-10" });
    expect(f.basis).toEqual({ service: "AmazonEC2+AmazonSageMaker", scopes: "1+2", method: "location-based" });
    // 1.5 t + 0.25 t = 1,750 kg; market 0.5 + 0.125 = 625 kg; every product 1.85 t. November is outside the months.
    expect(f.cells).toEqual([
      { month: "2026-10", provider: "aws", account: "012345678901", region: "us-east-1", modelVersion: "v1.0.0", serviceKg: 1750, serviceMarketKg: 625, allServicesKg: 1850 },
    ]);
  });

  it("leaves out rows in an undocumented unit, and says so", async () => {
    const file = join(dir, "units.csv");
    writeFileSync(file, [header, line("2026-10", "111122223333", "eu-west-1", "AmazonEC2", 2, 1), line("2026-10", "111122223333", "eu-west-1", "AmazonEC2", 700, 300, "kgCO2e")].join("\n"));
    const f = await readAwsCarbonFiles(engine, [file], { since: "2026-10", until: "2026-10" });
    expect(f.cells.map((c) => c.serviceKg)).toEqual([2000]);
    expect(f.warnings).toEqual([`aws: CARBON_EMISSIONS rows in unit "kgCO2e" left out: only MTCO2e is documented`]);
  });

  it("reads Parquet and CSV deliveries together, by glob", async () => {
    writeFileSync(join(dir, "part-a.csv"), [header, line("2026-09", "111122223333", "us-west-2", "AmazonEC2", 0.5, 0)].join("\n"));
    const duck = await openDuck();
    await duck.rows(
      `COPY (SELECT * FROM read_csv(${sqlString(join(dir, "part-a.csv"))}, all_varchar = true) UNION ALL SELECT '2026-09-01 00:00:00Z', '2026-10-01 00:00:00Z', '111122223333', '999900001111', 'us-west-2', 'US West (Oregon)', 'AmazonEC2', 'v1.0.0', '2026-10-27 00:00:00Z', '0.25', 'MTCO2e', '0', 'MTCO2e') TO ${sqlString(join(dir, "part-b.parquet"))} (FORMAT parquet)`,
    );
    duck.close();
    const f = await readAwsCarbonFiles(engine, [join(dir, "part-*")], { since: "2026-09", until: "2026-09" });
    // part-a.csv 0.5 t; part-b.parquet repeats it and adds 0.25 t: 1.25 t.
    expect(f.cells.map((c) => [c.region, c.serviceKg])).toEqual([["us-west-2", 1250]]);
    expect(f.source).toBe("CARBON_EMISSIONS export, 2 files");
  });
});
