import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectRefused, type BadInputCase } from "../helpers/bad-input.js";
import { runCli } from "../helpers/run-cli.js";
import { inputCsv, inputRow } from "../helpers/usage-csv.js";

/**
 * Issue 13's bad-input corpus, built like test/pipeline/bad-input.test.ts: every case exits 2 with one line, before
 * any request, and creates nothing (no --out, no output/, no cache). Decisions it pins down:
 * - --input and --config must be regular files (symlinks followed), checked with stat before anything is opened:
 *   opening a FIFO waits for a writer for ever, and /dev/zero or /dev/urandom never end. A pipe is not read either.
 * - A config file is at most 1 MiB and nests at most 64 levels; a key `__proto__` is refused (it would become the
 *   object's prototype, not an entry). An --input file's size is not capped: it is streamed.
 * - Dates and instants are real ones: no 30 February, no 29 February outside leap years, no month 13, no hour 24,
 *   no minute or second 60. An instant ends in Z (no +00:00).
 * - Two --input rows are one usage when their period starts are the same instant however written, and their regions
 *   and instance types the same case-folded (an Azure location by its ARM code, so "East US" is eastus).
 * - Names looked up in a table (--gpu-util presets, every option with a fixed set of values) are never read from an
 *   object's prototype: `constructor`, `toString`, `__proto__` are unknown values.
 */

const row = inputRow;
const csv = inputCsv;
const input = (...lines: string[]) => ({ args: ["--input", "$DIR/u.csv"], files: { "u.csv": csv(...lines) } });
const withConfig = ["--demo", "--config", "$DIR/c.json"];

const fifo = (name: string) => (dir: string) => {
  execFileSync("mkfifo", [join(dir, name)]);
};
const link = (name: string, target: string) => (dir: string) => {
  symlinkSync(target.replaceAll("$DIR", dir), join(dir, name));
};
/** A unix socket someone listens on, for the length of the run. */
const socket = (name: string) => async (dir: string) => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(join(dir, name), resolve));
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
};

const notRegular = (what: string, kind: string) => new RegExp(`${what} .* is ${kind}, not a regular file: give a`);

const files: BadInputCase[] = [
  { name: "input /dev/zero", args: ["--input", "/dev/zero"], message: notRegular("--input", "a character device") },
  { name: "input /dev/urandom", args: ["--input", "/dev/urandom"], message: notRegular("--input", "a character device") },
  { name: "input /dev/null", args: ["--input", "/dev/null"], message: notRegular("--input", "a character device") },
  { name: "input a FIFO with no writer (does not block)", args: ["--input", "$DIR/u.csv"], setup: fifo("u.csv"), message: notRegular("--input", "a named pipe \\(FIFO\\)") },
  { name: "input a unix socket", args: ["--input", "$DIR/u.sock"], setup: socket("u.sock"), message: notRegular("--input", "a socket") },
  { name: "input a symlink to /dev/zero", args: ["--input", "$DIR/u.csv"], setup: link("u.csv", "/dev/zero"), message: /--input .*u\.csv is a character device/ },
  { name: "input a symlink to a FIFO", args: ["--input", "$DIR/u.csv"], setup: (d) => (fifo("p")(d), link("u.csv", "$DIR/p")(d)), message: /--input .*u\.csv is a named pipe/ },
  {
    name: "input a chain of symlinks to /dev/urandom",
    args: ["--input", "$DIR/u.csv"],
    setup: (d) => (link("a", "/dev/urandom")(d), link("u.csv", "$DIR/a")(d)),
    message: /--input .*u\.csv is a character device/,
  },
  { name: "input a symlink to a directory", args: ["--input", "$DIR/u.csv"], files: { "d/": "" }, setup: link("u.csv", "$DIR/d"), message: /--input .*u\.csv cannot be read \(EISDIR\)/ },
  { name: "input a dangling symlink", args: ["--input", "$DIR/u.csv"], setup: link("u.csv", "$DIR/gone"), message: /--input .*u\.csv cannot be read \(ENOENT\)/ },
  { name: "config /dev/zero", args: ["--demo", "--config", "/dev/zero"], message: notRegular("config file", "a character device") },
  { name: "config /dev/urandom", args: ["--demo", "--config", "/dev/urandom"], message: notRegular("config file", "a character device") },
  { name: "config /dev/null", args: ["--demo", "--config", "/dev/null"], message: notRegular("config file", "a character device") },
  { name: "config a FIFO with no writer (does not block)", args: withConfig, setup: fifo("c.json"), message: notRegular("config file", "a named pipe \\(FIFO\\)") },
  { name: "config a unix socket", args: withConfig, setup: socket("c.json"), message: notRegular("config file", "a socket") },
  { name: "config a symlink to /dev/zero", args: withConfig, setup: link("c.json", "/dev/zero"), message: /config file .*c\.json is a character device/ },
  { name: "config a symlink to a FIFO", args: withConfig, setup: (d) => (fifo("p")(d), link("c.json", "$DIR/p")(d)), message: /config file .*c\.json is a named pipe/ },
  { name: "config a symlink to a directory", args: withConfig, files: { "d/": "" }, setup: link("c.json", "$DIR/d"), message: /config file .*c\.json cannot be read \(EISDIR\)/ },
  { name: "config 2 MiB", args: withConfig, files: { "c.json": JSON.stringify({ $schema: "x".repeat(2 << 20) }) }, message: /config file .*c\.json is over 1 MiB: a config holds settings/ },
  { name: "config one byte over 1 MiB", args: withConfig, files: { "c.json": `{"$schema":"${"x".repeat((1 << 20) - 13)}"}` }, message: /c\.json is over 1 MiB/ },
  { name: "config a 10 GiB sparse file (never read)", args: withConfig, setup: (d) => (writeFileSync(join(d, "c.json"), ""), truncateSync(join(d, "c.json"), 10 * 2 ** 30)), message: /c\.json is over 1 MiB/ },
];

const wide = (n: number): Record<string, number> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]));

const json: BadInputCase[] = [
  { name: "config 50,000 nested arrays (100 KB)", args: withConfig, files: { "c.json": "[".repeat(50_000) + "]".repeat(50_000) }, message: /c\.json nests deeper than 64 levels \(line 1\)/ },
  { name: "config 50,000 nested objects", args: withConfig, files: { "c.json": '{"a":'.repeat(50_000) + "1" + "}".repeat(50_000) }, message: /c\.json nests deeper than 64 levels/ },
  { name: "config 65 levels", args: withConfig, files: { "c.json": '{"a":'.repeat(65) + "1" + "}".repeat(65) }, message: /nests deeper than 64 levels/ },
  { name: "config deep and never closed", args: withConfig, files: { "c.json": "[".repeat(100_000) }, message: /nests deeper than 64 levels/ },
  { name: "config 64 levels then invalid", args: withConfig, files: { "c.json": '{"a":'.repeat(63) + "[1,]" + "}".repeat(63) }, message: /c\.json is not valid JSON/ },
  { name: "config deep after a line break", args: withConfig, files: { "c.json": '{\n"x":\n' + "[".repeat(70) }, message: /nests deeper than 64 levels \(line 3\)/ },
  { name: "config 50,000 unknown top-level keys (one short line)", args: withConfig, files: { "c.json": JSON.stringify(wide(50_000)) }, message: /\(top level\): Unrecognized keys in object: 'k0', 'k1', 'k2' and 49997 more$/ },
  {
    name: "config 50,000 keys with a repeat at the end",
    args: withConfig,
    files: { "c.json": JSON.stringify({ regions: { aws: wide(50_000) } }).replace(/\}\}\}$/, ',"k7":1}}}') },
    message: /key "k7" appears twice in regions\.aws/,
  },
  { name: "config 50,000 regions of the wrong shape", args: withConfig, files: { "c.json": JSON.stringify({ regions: { aws: wide(50_000) } }) }, message: /regions\.aws\.k0: Expected object, received number/ },
  { name: "config key __proto__ at the top", args: withConfig, files: { "c.json": '{"__proto__": {"aws": {}}}' }, message: /key "__proto__" in the top level is not a name carbon-track reads/ },
  {
    name: "config key __proto__ among regions",
    args: withConfig,
    files: { "c.json": '{"regions": {"aws": {"__proto__": {"pue": {"value": 1.1, "source": "x", "year": 2024}}}}}' },
    message: /key "__proto__" in regions\.aws is not a name/,
  },
  { name: "config key __proto__ in availability", args: withConfig, files: { "c.json": '{"availability": {"aws": {"__proto__": ["us-east-1"]}}}' }, message: /key "__proto__" in availability\.aws/ },
  { name: "config region named constructor", args: withConfig, files: { "c.json": '{"regions": {"aws": {"constructor": {"pue": {"value": 1.1, "source": "x", "year": 2024}}}}}' }, message: /regions\.aws\.constructor is a new region/ },
];

const calendar: BadInputCase[] = [
  { name: "input 30 February", ...input(row({ period_start: "2026-02-30T00:00:00Z", period_end: "2026-03-01T00:00:00Z" })), message: /line 2: period_start "2026-02-30T00:00:00Z" is not a real date \(2026-02 has no day 30\)/ },
  { name: "input 29 February 2026", ...input(row({ period_start: "2026-02-29T00:00:00Z", period_end: "2026-03-01T00:00:00Z" })), message: /2026-02 has no day 29/ },
  { name: "input 29 February 2100", ...input(row({ period_start: "2100-02-29T00:00:00Z", period_end: "2100-03-01T00:00:00Z" })), message: /2100-02 has no day 29/ },
  { name: "input month 13", ...input(row({ period_start: "2026-13-01T00:00:00Z" })), message: /period_start .* is not a real date \(month 13 is not 01-12\)/ },
  { name: "input month 00", ...input(row({ period_start: "2026-00-10T00:00:00Z" })), message: /month 00 is not 01-12/ },
  { name: "input 31 April", ...input(row({ period_start: "2026-04-31T00:00:00Z" })), message: /2026-04 has no day 31/ },
  { name: "input day 00", ...input(row({ period_start: "2026-10-00T00:00:00Z" })), message: /2026-10 has no day 00/ },
  { name: "input hour 24", ...input(row({ period_start: "2026-09-30T24:00:00Z" })), message: /period_start "2026-09-30T24:00:00Z" is not a real time \(hour 24 is not 00-23; .*next day's T00:00:00Z\)/ },
  { name: "input minute 60", ...input(row({ period_start: "2026-10-01T00:60:00Z" })), message: /minute 60 is not 00-59/ },
  { name: "input second 60 (a leap second)", ...input(row({ period_start: "2026-10-01T00:00:60Z" })), message: /second 60 is not 00-59/ },
  { name: "input period_end 31 September", ...input(row({ period_end: "2026-09-31T00:00:00Z" })), message: /period_end "2026-09-31T00:00:00Z" is not a real date/ },
  { name: "input period_end at hour 24", ...input(row({ period_end: "2026-10-01T24:00:00Z" })), message: /period_end "2026-10-01T24:00:00Z" is not a real time \(hour 24/ },
  { name: "input with +00:00", ...input(row({ period_start: "2026-10-01T00:00:00+00:00" })), message: /period_start "2026-10-01T00:00:00\+00:00" is not an ISO-8601 UTC instant/ },
  { name: "input without a zone", ...input(row({ period_start: "2026-10-01T00:00:00" })), message: /is not an ISO-8601 UTC instant/ },
  { name: "since 29 February 2025", args: ["--demo", "--since", "2025-02-29"], message: /--since "2025-02-29" is not a real calendar date \(2025-02 has no day 29\)/ },
  { name: "until 31 April", args: ["--demo", "--until", "2026-04-31"], message: /--until "2026-04-31" is not a real calendar date \(2026-04 has no day 31\)/ },
  { name: "since month 00", args: ["--demo", "--since", "2026-00-01"], message: /month 00 is not 01-12/ },
  { name: "until day 32", args: ["--demo", "--until", "2026-10-32"], message: /2026-10 has no day 32/ },
];

const duplicate = /u\.csv line 3: duplicates line 2 \(same provider, account, region, instance type, unit and period start/;
const azure = { provider: "azure", account: "00000000-0000-0000-0000-000000000001", region: "eastus", instance_type: "Standard_ND96asr_v4" };
const gcp = { provider: "gcp", account: "proj", region: "us-central1", instance_type: "a2-highgpu-1g" };

const duplicates: BadInputCase[] = [
  { name: "duplicate: 00Z and 00.000Z", ...input(row(), row({ period_start: "2026-10-01T00:00:00.000Z" })), message: duplicate },
  { name: "duplicate: 00.5Z and 00.500Z", ...input(row({ period_start: "2026-10-01T00:00:00.5Z" }), row({ period_start: "2026-10-01T00:00:00.500Z" })), message: duplicate },
  { name: "duplicate: us-east-1 and US-EAST-1", ...input(row(), row({ region: "US-EAST-1" })), message: duplicate },
  { name: "duplicate: p5.48xlarge and P5.48XLarge", ...input(row(), row({ instance_type: "P5.48XLarge" })), message: duplicate },
  { name: "duplicate: Azure eastus and EastUS", ...input(row(azure), row({ ...azure, region: "EastUS" })), message: duplicate },
  { name: "duplicate: Azure eastus and East US", ...input(row(azure), row({ ...azure, region: "East US" })), message: duplicate },
  { name: "duplicate: Azure VM size in another case", ...input(row(azure), row({ ...azure, instance_type: "standard_nd96asr_v4" })), message: duplicate },
  { name: "duplicate: GCP region in another case", ...input(row(gcp), row({ ...gcp, region: "US-Central1" })), message: duplicate },
  {
    name: "duplicate: spelled apart, lines apart",
    args: ["--input", "$DIR/u.csv"],
    files: { "u.csv": csv(row(), row({ region: "us-west-2" }), row({ region: "US-East-1", period_start: "2026-10-01T00:00:00.000Z" })) },
    message: /u\.csv line 4: duplicates line 2/,
  },
  {
    name: "T24:00 of one day beside T00:00 of the next (24:00 is refused)",
    ...input(row({ period_start: "2026-10-02T00:00:00Z", period_end: "2026-10-03T00:00:00Z" }), row({ period_start: "2026-10-01T24:00:00Z", period_end: "2026-10-03T00:00:00Z" })),
    message: /line 3: period_start "2026-10-01T24:00:00Z" is not a real time/,
  },
];

const prototypeKeys = ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"];
const lookups: [string, (key: string) => RegExp][] = [
  ["--gpu-util", (k) => new RegExp(`--gpu-util "${k}" is not a fraction 0\\.\\.1 or one of idle`)],
  ["--signal", (k) => new RegExp(`--signal "${k}" is not one of marginal, average`)],
  ["--format", (k) => new RegExp(`--format "${k}" is not one of table, csv, json, markdown`)],
  ["--granularity", (k) => new RegExp(`--granularity "${k}" is not one of daily, hourly`)],
  ["--stamp", (k) => new RegExp(`--stamp "${k}" is not one of datetime, date, none`)],
  ["--intensity", (k) => new RegExp(`--intensity "${k}" is not one of watttime, static`)],
  ["--providers", (k) => new RegExp(`--providers: unknown provider "${k.toLowerCase()}"`)],
];
const prototypes: BadInputCase[] = lookups.flatMap(([flag, message]) =>
  prototypeKeys.map((k) => ({ name: `${flag} ${k}`, args: flag === "--providers" ? [flag, k] : ["--demo", flag, k], message: message(k) })),
);

const watttime = { WATTTIME_USERNAME: "u", WATTTIME_PASSWORD: "p", WATTTIME_API_URL: "http://127.0.0.1:9" };
const bound: BadInputCase[] = ["abc", "0", "-1", "1e9", "Infinity"].map((v) => ({
  name: `CARBON_TRACK_MAX_MOER_LBS_PER_MWH ${v}`,
  ...input(row()),
  env: { ...watttime, CARBON_TRACK_MAX_MOER_LBS_PER_MWH: v },
  message: new RegExp(`CARBON_TRACK_MAX_MOER_LBS_PER_MWH "${v}" is not a plain positive number of lbs/MWh`),
}));

describe("bad input, hardening: exit 2, one clear line, nothing created", () => {
  describe("files that are not regular files, or too large", () => it.each(files)("$name", expectRefused));
  describe("config JSON too deep, too wide, or with a key that would be lost", () => it.each(json)("$name", expectRefused));
  describe("dates and instants not in the calendar", () => it.each(calendar)("$name", expectRefused));
  describe("one usage spelled two ways", () => it.each(duplicates)("$name", expectRefused));
  describe("prototype names as option values", () => it.each(prototypes)("$name", expectRefused));
  describe("the MOER bound", () => it.each(bound)("$name", expectRefused));
});

describe("still read: the checks refuse only what they must", () => {
  const accept = async (files: Record<string, string>, args: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), "ct-ok-"));
    try {
      for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
      const res = await runCli([...args, "--format", "csv"], { cwd: dir, env: { HOME: dir, XDG_CACHE_HOME: join(dir, "cache") } });
      expect(res.code, res.stderr).toBe(0);
      return res.stdout.trimEnd().split("\n").length - 1;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it("brackets inside a string do not count as nesting", async () => {
    await accept({ "c.json": JSON.stringify({ $schema: "[".repeat(10_000) }) }, ["--demo", "--config", "c.json"]);
  });

  it("a config 64 levels deep is parsed (and refused only for its content)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ct-ok-"));
    writeFileSync(join(dir, "c.json"), '{"a":'.repeat(63) + "[]" + "}".repeat(63));
    const deep = await runCli(["--demo", "--config", "c.json"], { cwd: dir });
    rmSync(dir, { recursive: true, force: true });
    expect(deep.code).toBe(2);
    expect(deep.stderr).toMatch(/Unrecognized key\(s\) in object: 'a'/);
  });

  it("29 February of leap years, 23:59:59.999 and fractions of a second are real instants", async () => {
    const rows = [
      row({ period_start: "2028-02-29T00:00:00Z", period_end: "2028-03-01T00:00:00Z" }),
      row({ period_start: "2000-02-29T00:00:00Z", period_end: "2000-03-01T00:00:00Z" }),
      row({ period_start: "2026-10-01T23:00:00Z", period_end: "2026-10-01T23:59:59.999Z" }),
    ];
    expect(await accept({ "u.csv": csv(...rows) }, ["--input", "u.csv"])).toBe(3);
  });

  it("accounts are kept as written: two accounts differing in case are two usages", async () => {
    expect(await accept({ "u.csv": csv(row({ account: "team-a" }), row({ account: "Team-A" })) }, ["--input", "u.csv"])).toBe(2);
  });
});
