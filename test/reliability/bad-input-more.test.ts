import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectRefused, type BadInputCase } from "../helpers/bad-input.js";
import { runCli } from "../helpers/run-cli.js";

/**
 * More of issue 8's bad-input corpus, beside test/pipeline/bad-input.test.ts and built the same way: wrong
 * encodings, files that are directories, catalog, regions and availability overrides, JSON that parses but
 * is not what it seems. Decisions this file pins down:
 * - A config file is UTF-8 (RFC 8259), with or without a BOM; UTF-16LE with its BOM (what Windows PowerShell 5
 *   writes with `>`) is read too. Anything else that is not UTF-8 text is refused with one line.
 * - An --input CSV is UTF-8 (or UTF-16LE with a BOM, which csv-parse reads). A text cell whose bytes are not
 *   UTF-8 (a Latin-1 or Windows-1252 export, "M\xfcller") is refused, naming the line and column: guessing the
 *   encoding would put a mangled account name into reports without a word. ASCII-only Latin-1 is UTF-8.
 * - A key repeated in one JSON object is refused: JSON.parse keeps the last silently, so a second `catalog`
 *   section would drop the first one's overrides.
 */

const header = "provider,account,region,instance_type,unit,quantity_hours,period_start,period_end,estimated";
const row = "aws,111122223333,us-east-1,p5.48xlarge,instance-hour,24,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false";
const latin1 = (text: string): Buffer => Buffer.from(text, "latin1");
const utf16le = (text: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
const json = (value: unknown): string => JSON.stringify(value);
const instance = { gpu: "T4", gpuCount: 1, vcpus: 4, memory: 16, memoryUnit: "GiB", cpuFamily: null, billingUnit: "instance-hour", source: "me" };
const catalogInstance = (over: Record<string, unknown>) => json({ catalog: { instances: { aws: { "x9.large": { ...instance, ...over } } } } });
const regionPue = (value: unknown) => json({ regions: { aws: { "us-east-1": { pue: { value, source: "x", year: 2024 } } } } });

const withConfig = ["--demo", "--config", "$DIR/c.json"];

const cases: BadInputCase[] = [
  { name: "config in UTF-16LE whose content is wrong (it is decoded)", args: withConfig, files: { "c.json": utf16le(json({ awz: {} })) }, message: /c\.json: .*Unrecognized key.*awz/ },
  { name: "config in UTF-16BE", args: withConfig, files: { "c.json": Buffer.from([0xfe, 0xff, 0x00, 0x7b, 0x00, 0x7d]) }, message: /config file .*c\.json is not UTF-8 text: save it as UTF-8/ },
  { name: "config in UTF-16 without a BOM", args: withConfig, files: { "c.json": Buffer.from("{}", "utf16le") }, message: /config file .*c\.json is not UTF-8 text/ },
  { name: "config in Latin-1", args: withConfig, files: { "c.json": latin1(json({ aws: { profile: "M\u00fcller" } })) }, message: /config file .*c\.json is not UTF-8 text/ },
  { name: "config is a directory", args: withConfig, files: { "c.json/": "" }, message: /config file .*c\.json cannot be read \(EISDIR\)/ },
  { name: "config with a trailing comma", args: withConfig, files: { "c.json": '{"aws": {"profile": "p"},}' }, message: /c\.json is not valid JSON: .*\(line 1, column 26\)$/ },
  { name: "config with an error past a line break", args: withConfig, files: { "c.json": '{\n  "aws":\n    @\n}' }, message: /c\.json is not valid JSON: Unexpected token '@'/ },
  { name: "config with a duplicate top-level key", args: withConfig, files: { "c.json": '{"catalog": {}, "regions": {}, "catalog": {}}' }, message: /c\.json: key "catalog" appears twice in the top level/ },
  {
    name: "config with a duplicate nested key",
    args: withConfig,
    files: { "c.json": '{"regions": {"aws": {"us-east-1": {"pue": {"value": 1.1, "source": "a", "year": 2024}}, "us-east-1": {}}}}' },
    message: /c\.json: key "us-east-1" appears twice in regions\.aws/,
  },
  { name: "config that is an array", args: withConfig, files: { "c.json": "[]" }, message: /c\.json: \(top level\): Expected object, received array/ },
  { name: "regions PUE as a string", args: withConfig, files: { "c.json": regionPue("1.2") }, message: /regions\.aws\.us-east-1\.pue\.value: Expected number, received string/ },
  { name: "regions PUE above 3", args: withConfig, files: { "c.json": regionPue(30) }, message: /regions\.aws\.us-east-1\.pue\.value/ },
  { name: "regions latitude 200", args: withConfig, files: { "c.json": json({ regions: { gcp: { "us-central1": { latitude: 200 } } } }) }, message: /regions\.gcp\.us-central1\.latitude: Number must be less than or equal to 90/ },
  { name: "regions unknown provider", args: withConfig, files: { "c.json": json({ regions: { ibm: {} } }) }, message: /regions.*ibm/ },
  { name: "catalog gpuCount 0", args: withConfig, files: { "c.json": catalogInstance({ gpuCount: 0 }) }, message: /instances\.aws\.x9\.large: gpu is null exactly when gpuCount is 0 \(a host without accelerators\)/ },
  { name: "catalog billingUnit minute", args: withConfig, files: { "c.json": catalogInstance({ billingUnit: "minute" }) }, message: /instances\.aws\.x9\.large\.billingUnit: Invalid enum value.*received 'minute'/ },
  { name: "catalog vcpus fractional", args: withConfig, files: { "c.json": catalogInstance({ vcpus: 2.5 }) }, message: /x9\.large\.vcpus: Expected integer/ },
  { name: "availability for an unknown provider", args: withConfig, files: { "c.json": json({ availability: { ibm: { "x9.large": ["us-south"] } } }) }, message: /availability.*ibm/ },
  {
    name: "availability with an empty region",
    args: withConfig,
    files: { "c.json": json({ availability: { aws: { "p5.48xlarge": [""] } } }) },
    message: /availability\.aws\.p5\.48xlarge\.0/,
  },
  { name: "input is a directory", args: ["--input", "$DIR/u.csv"], files: { "u.csv/": "" }, message: /--input .*u\.csv cannot be read \(EISDIR\)/ },
  { name: "input with a Latin-1 account name", args: ["--input", "$DIR/u.csv"], files: { "u.csv": latin1(`${header}\n${row.replace("111122223333", "M\u00fcller GmbH")}`) }, message: /u\.csv line 2: account is not UTF-8 text: save the file as UTF-8/ },
  { name: "input with invalid UTF-8 in the region", args: ["--input", "$DIR/u.csv"], files: { "u.csv": Buffer.concat([Buffer.from(`${header}\naws,1,us-east-`), Buffer.from([0xc3, 0x28]), Buffer.from(",p5.48xlarge,instance-hour,24,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false")]) }, message: /u\.csv line 2: region is not UTF-8 text/ },
  { name: "input with a BOM and a header only", args: ["--input", "$DIR/u.csv"], files: { "u.csv": `\uFEFF${header}\r\n` }, message: /u\.csv has no data rows/ },
  { name: "input in UTF-16LE with a header only", args: ["--input", "$DIR/u.csv"], files: { "u.csv": utf16le(`${header}\r\n`) }, message: /u\.csv has no data rows/ },
  {
    name: "out inside a file",
    args: ["--demo", "--out", "$DIR/f/sub"],
    files: { f: "x" },
    message: /--out .*f\/sub cannot be created: .*f is a file/,
  },
];

describe("bad input, more: exit 2, one clear line, nothing created", () => {
  it.each(cases)("$name", expectRefused);
});

describe("encodings that are read", () => {
  const run = async (files: Record<string, string | Buffer>, args: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), "ct-enc-"));
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
    return runCli([...args.map((a) => a.replaceAll("$DIR", dir)), "--format", "csv", "--stamp", "none", "--out", join(dir, "out")], {
      cwd: dir,
      env: { HOME: dir, XDG_CACHE_HOME: join(dir, "cache") },
    });
  };

  it("a UTF-16LE config with a BOM, as PowerShell 5 writes it", async () => {
    const res = await run({ "c.json": utf16le(json({ regions: { aws: { "us-east-1": { pue: { value: 1.5, source: "ours", year: 2025 } } } } })) }, [...withConfig]);
    expect(res.code, res.stderr).toBe(0);
  });

  it("an --input CSV in UTF-8 with a BOM and a non-ASCII account name", async () => {
    const res = await run({ "u.csv": `\uFEFF${header}\r\n${row.replace("111122223333", "M\u00fcller GmbH")}\r\n` }, ["--input", "$DIR/u.csv"]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain("M\u00fcller GmbH");
  });
});
