import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "vitest";
import { expectRefused, type BadInputCase } from "../../helpers/bad-input.js";
import { repoRoot } from "../../helpers/run-cli.js";

const focus = readFileSync(join(repoRoot, "test/fixtures/exports/focus-1.2-overage-gpu.csv"));

// Each must exit 2 with one line that names what is wrong, and create nothing.
const cases: BadInputCase[] = [
  {
    name: "a file that is neither FOCUS nor CUR 2.0 names the columns it lacks",
    args: ["--export", "$DIR/x.csv"],
    files: { "x.csv": "ChargeCategory,ConsumedQuantity,cost\nUsage,1,2\n" },
    message: /neither FOCUS nor CUR 2\.0: FOCUS lacks ChargePeriodStart, ChargePeriodEnd, ConsumedUnit; CUR 2\.0 lacks line_item_line_item_type/,
  },
  {
    name: "--export-format cur2 on a FOCUS file",
    args: ["--export", "$DIR/f.csv", "--export-format", "cur2"],
    files: { "f.csv": focus },
    message: /is not CUR 2\.0: CUR 2\.0 lacks line_item_line_item_type/,
  },
  { name: "a corrupt Parquet file", args: ["--export", "$DIR/bad.parquet"], files: { "bad.parquet": "PAR1 not really" }, message: /--export cannot be read: .*bad\.parquet/ },
  { name: "an unreadable path", args: ["--export", "$DIR/missing.parquet"], message: /--export .*missing\.parquet cannot be read \(ENOENT\)/ },
  { name: "a directory without data files", args: ["--export", "$DIR/empty"], files: { "empty/": "" }, message: /holds no \.parquet, \.csv or \.csv\.gz file/ },
  { name: "a file of another kind", args: ["--export", "$DIR/x.json"], files: { "x.json": "{}" }, message: /is not \.parquet, \.csv or \.csv\.gz/ },
  { name: "a glob matching nothing", args: ["--export", "$DIR/*.parquet"], message: /matches no \.parquet, \.csv or \.csv\.gz file/ },
  { name: "an unknown --export-format", args: ["--export", "$DIR/f.csv", "--export-format", "cur"], files: { "f.csv": focus }, message: /--export-format "cur" is not one of focus, cur2/ },
  { name: "--export-format alone", args: ["--export-format", "focus", "--demo"], message: /--export-format needs --export/ },
  { name: "--export with --input", args: ["--export", "$DIR/f.csv", "--input", "$DIR/f.csv"], files: { "f.csv": focus }, message: /--export and --input both choose the data/ },
  // Beside --export, --providers adds APIs: one not configured is refused before the export is read.
  { name: "--export with --providers not configured", args: ["--export", "$DIR/f.csv", "--providers", "azure"], files: { "f.csv": focus }, message: /azure is not configured/ },
  { name: "--athena-table not db.table", args: ["--athena-table", "cur;drop"], message: /--athena-table "cur;drop" is not database\.table/ },
  { name: "--athena-output not s3", args: ["--athena-table", "cur.t", "--athena-output", "/tmp/x"], message: /--athena-output "\/tmp\/x" is not an s3:\/\/bucket/ },
  { name: "--athena-workgroup alone", args: ["--athena-workgroup", "primary", "--demo"], message: /need --athena-table/ },
  { name: "--athena-table with --export", args: ["--athena-table", "cur.t", "--export", "$DIR/f.csv"], files: { "f.csv": focus }, message: /--athena-table and --export both choose the data/ },
  {
    name: "a config athena.table that is not db.table",
    args: ["--config", "$DIR/c.json"],
    files: { "c.json": JSON.stringify({ athena: { table: "cur" } }) },
    message: /config athena\.table "cur" is not database\.table/,
  },
  { name: "an empty --export", args: ["--export", ""], message: /--export is empty/ },
];

describe("--export: bad input", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => expectRefused(c), 60_000);
});
