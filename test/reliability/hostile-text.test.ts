import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Chalk } from "chalk";
import { Marked } from "marked";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { escapeMarkdown, renderMarkdown } from "../../src/report/markdown.js";
import { renderTables } from "../../src/report/table.js";
import { createRedactor } from "../../src/text/redact.js";
import { sanitizeLine } from "../../src/text/sanitize.js";
import { startFakeWattTime, type FakeWattTime } from "../fakes/watttime.js";
import { runCli, type CliResult } from "../helpers/run-cli.js";
import { reportFrom, usage } from "../report/setup-data.js";
import { awsSetup, azureSetup, fastPolicy, gcpSetup, scratch, windowArgs, type BillingSetup } from "./billing-setups.js";
import { startFaultProxy, type FaultRule } from "./fault-proxy.js";

/** What a billing row, a path or a provider's message could carry to take over a terminal. */
const osc52 = "\x1b]52;c;ZXZpbCBjbGlwYm9hcmQ=\x07"; // writes the clipboard
const retitle = "\x1b]0;pwned\x07"; // changes the window title
const clear = "\x1b[2J\x1b[H"; // clears the screen
const csi8bit = "\u009b31m"; // C1 CSI: red, on terminals that read 8-bit controls
const overwrite = "\rFAKE"; // returns to the start of the line and writes over it

/** Raw control characters a terminal would act on: C0 but tab and line feed, DEL, C1. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

function expectNoRaw(where: string, text: string): void {
  const found = RAW.exec(text);
  expect(found, `${where} holds a raw \\x${found?.[0].charCodeAt(0).toString(16)} near ${JSON.stringify(text.slice(Math.max(0, (found?.index ?? 0) - 30), (found?.index ?? 0) + 10))}`).toBeNull();
}

function expectOneCleanLine(result: CliResult, code: number): string {
  const why = `exit ${result.code}\nstderr:\n${result.stderr}`;
  expect(result.code, why).toBe(code);
  expect(result.stderr.endsWith("\n"), why).toBe(true);
  expect(result.stderr.slice(0, -1).split("\n"), why).toHaveLength(1);
  expectNoRaw("stderr", result.stderr);
  expectNoRaw("stdout", result.stdout);
  return result.stderr;
}

describe("the sanitizer", () => {
  it.each([
    ["ESC (CSI clear screen)", `a${clear}b`, String.raw`a\x1b[2J\x1b[Hb`],
    ["OSC 52 (clipboard write), BEL-terminated", `x${osc52}`, String.raw`x\x1b]52;c;ZXZpbCBjbGlwYm9hcmQ=\x07`],
    ["OSC 0 (window title)", retitle, String.raw`\x1b]0;pwned\x07`],
    ["C1 CSI", `r${csi8bit}`, String.raw`r\x9b31m`],
    ["C1 NEL and OSC", "a\u0085b\u009dc", String.raw`a\x85b\x9dc`],
    ["CR", `line${overwrite}`, String.raw`line\rFAKE`],
    ["LF (a one-line error stays one line)", "first\nsecond", String.raw`first\nsecond`],
    ["DEL and BS", "a\x7fb\bc", String.raw`a\x7fb\x08c`],
    ["NUL", "a\0b", String.raw`a\x00b`],
    ["tab (kept: it only moves the cursor on)", "a\tb", "a\tb"],
    ["text just outside the control ranges (space, ~, NBSP, é, µ, →)", "a ~\u00a0é µ →", "a ~\u00a0é µ →"],
  ])("shows %s escaped", (_, input, expected) => {
    expect(sanitizeLine(input)).toBe(expected);
  });

  it("escapes Markdown after the control characters, so a hostile cell stays one cell of one row", async () => {
    expect(escapeMarkdown(`p5|x${clear}\ny\\|z`)).toBe(String.raw`p5\|x\\x1b\[2J\\x1b\[H\\ny\\\|z`);
    const report = await reportFrom([usage("aws", `us-east-1${osc52}|\n`, `p5.48xlarge${retitle}\\|`, "2026-10-01", 1)]);
    const md = renderMarkdown(report);
    expectNoRaw("markdown", md);
    const html = new Marked({ gfm: true }).parse(md, { async: false }) as string;
    const table = /<table>([\s\S]*?)<\/table>/.exec(html)![1]!;
    const head = (table.match(/<th[ >]/g) ?? []).length;
    for (const row of table.match(/<tbody>[\s\S]*?<\/tbody>/)![0].match(/<tr>[\s\S]*?<\/tr>/g)!) expect((row.match(/<td[ >]/g) ?? []).length).toBe(head);
    expect(html).toContain(String.raw`p5.48xlarge\x1b]0;pwned\x07\|`);
  });

  it("escapes names in the terminal tables and keeps our own colours", async () => {
    const report = await reportFrom([usage("aws", `us-east-1${csi8bit}`, `p5.48xlarge${clear}${overwrite}`, "2026-10-01", 5)]);
    const out = renderTables(report, { chalk: new Chalk({ level: 1 }), color: true, width: null });
    // The only escape sequences left are the colours (SGR) we write.
    expect(out.replace(/\x1b\[[0-9;]*m/g, "")).not.toMatch(RAW);
    expect(out).toMatch(/\x1b\[1m/);
    expect(out).toContain(String.raw`p5.48xlarge\x1b[2J\x1b[H\rFAKE`);
    expect(out).toContain(String.raw`aws:us-east-1\x9b31m`);
  });

  it("escapes every logged message, not the logger's own colour", () => {
    let written = "";
    const stream = { write: (s: string) => ((written += s), true), isTTY: false } as unknown as NodeJS.WritableStream;
    const log = createLogger({ stream, quiet: false, verbose: true, color: true, redactor: createRedactor([]) });
    log.warn(`region ${retitle}\nsecond`);
    log.error(`path ${osc52}`);
    expect(written).toBe(`\x1b[33mwarning:\x1b[39m region \\x1b]0;pwned\\x07\\nsecond\n\x1b[31merror:\x1b[39m path \\x1b]52;c;ZXZpbCBjbGlwYm9hcmQ=\\x07\n`);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Through the built CLI.

const header = "provider,account,region,instance_type,unit,quantity_hours,period_start,period_end,estimated,cost,currency";
const quote = (s: string): string => `"${s.replaceAll('"', '""')}"`;
const row = (account: string, region: string, type: string): string =>
  ["aws", quote(account), quote(region), quote(type), "instance-hour", "24", "2026-10-01T00:00:00Z", "2026-10-02T00:00:00Z", "false", "10", "USD"].join(",");

describe("hostile names from --input never reach the terminal raw (built CLI)", { timeout: 60_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = scratch("hostile-input");
    writeFileSync(
      join(dir, "usage.csv"),
      [
        header,
        row(`acct${osc52}`, "us-east-1", `p5.48xlarge${clear}${retitle}`),
        row("111122223333", `us-east-1${csi8bit}\u007f\u0085`, "g5.xlarge"),
        row(`222233334444${overwrite}`, `us-west-2${overwrite}\nsecond line\x07`, `g5.xlarge${osc52}`),
      ].join("\n"),
    );
  });

  it.each(["table", "markdown"])("--format %s, with --verbose", async (format) => {
    const result = await runCli(["--input", join(dir, "usage.csv"), "--format", format, "--out", join(dir, `out-${format}`), "--verbose"], { env: { HOME: dir }, cwd: dir, timeoutMs: 30_000 });
    expect(result.code, result.stderr).toBe(0);
    expectNoRaw("stdout", result.stdout);
    expectNoRaw("stderr", result.stderr);
    // Every row is reported, its names shown escaped.
    expect(result.stdout).toMatch(/p5\.48xlarge\\+x1b\\?\[2J/);
    expect(result.stdout).toMatch(/us-west-2\\+rFAKE\\+nsecond line\\+x07/);
    expect(result.stderr).toMatch(/warning: aws instance type p5\.48xlarge\\x1b\[2J\\x1b\[H\\x1b\]0;pwned\\x07 is not in the catalog/);
    for (const line of result.stderr.split("\n").filter(Boolean)) expect(line).toMatch(/^(warning|note|error|wrote|intensity|\w+ requests|[a-z]+:)/);
  });
});

describe("hostile paths, keys and values in errors give one clean line (built CLI)", { timeout: 60_000 }, () => {
  let dir: string;
  const hostileDir = (): string => join(dir, `conf${retitle}\nx`);
  beforeAll(() => {
    dir = scratch("hostile-args");
    mkdirSync(hostileDir());
    writeFileSync(join(hostileDir(), "bad.json"), '{"gcp": ');
    writeFileSync(join(dir, "key.json"), JSON.stringify({ gcp: { [`table${osc52}`]: "x" } }));
    writeFileSync(join(dir, `file${clear}\nout`), "x");
    writeFileSync(join(dir, "bad-provider.csv"), [header, row("1", "us-east-1", "p5.48xlarge").replace(/^aws/, `aws${retitle}`)].join("\n"));
    writeFileSync(join(dir, `bad${clear}column.csv`), [header.replace("quantity_hours", `quantity_hours${clear}`), row("1", "us-east-1", "p5.48xlarge")].join("\n"));
    writeFileSync(join(dir, "bad-hours.csv"), [header, row("1", "us-east-1", "p5.48xlarge").replace(",24,", `,24${osc52},`)].join("\n"));
  });

  const cases: Array<[string, () => string[], RegExp]> = [
    ["a config file at a path with OSC and a newline, not JSON", () => ["--demo", "--config", join(hostileDir(), "bad.json")], /conf\\x1b\]0;pwned\\x07\\nx\/bad\.json/],
    ["a missing config file at such a path", () => ["--demo", "--config", join(hostileDir(), "missing.json")], /conf\\x1b\]0;pwned\\x07\\nx\/missing\.json/],
    ["a config key holding OSC 52", () => ["--demo", "--config", join(dir, "key.json")], /table\\x1b\]52;c;/],
    ["--out naming a file whose name holds CSI and a newline", () => ["--demo", "--out", join(dir, `file${clear}\nout`)], /file\\x1b\[2J\\x1b\[H\\nout exists and is not a directory/],
    ["--out under such a file", () => ["--demo", "--out", join(dir, `file${clear}\nout`, "sub")], /\\x1b\[2J/],
    ["a missing --input whose name holds C1, BEL and CR", () => ["--input", join(dir, `no${csi8bit}\x07\r.csv`)], /no\\x9b31m\\x07\\r\.csv/],
    ["--format with a colour sequence", () => ["--demo", "--format", `\x1b[31mred`], /--format "\\x1b\[31mred"/],
    ["--providers with OSC 52", () => ["--demo", "--providers", `aws${osc52}`], /\\x1b\]52;c;/i],
    ["--gpu-util with a screen clear", () => ["--demo", "--gpu-util", `0.5${clear}`], /\\x1b\[2J/],
    ["--since with a newline", () => ["--demo", "--since", "2026-10-01\n2026-10-02"], /2026-10-01\\n2026-10-02/],
    ["--gcp-table with DEL and a newline", () => ["--providers", "gcp", "--gcp-table", `p.d.t\u007f\nx`], /\\x7f\\nx/],
    ["an unknown option holding ESC", () => [`--bogus${clear}`], /--bogus\\x1b\[2J/],
    ["an --input row whose provider holds OSC 0", () => ["--input", join(dir, "bad-provider.csv")], /aws\\x1b\]0;pwned\\x07/],
    ["an --input file, named with a screen clear, that lacks a column", () => ["--input", join(dir, `bad${clear}column.csv`)], /bad\\x1b\[2J\\x1b\[Hcolumn\.csv: missing column quantity_hours/],
    ["an --input number holding OSC 52", () => ["--input", join(dir, "bad-hours.csv")], /24\\x1b\]52;c;/],
  ];
  it.each(cases)("%s", async (_, args, shown) => {
    const result = await runCli(args(), { env: { HOME: dir }, cwd: dir, timeoutMs: 30_000 });
    const line = expectOneCleanLine(result, 2);
    expect(line).toMatch(/^carbon-track: /);
    expect(line).toMatch(shown);
  });

  it("a new --out directory with control characters and a newline: written, and told escaped", async () => {
    const out = join(dir, `new${clear}\ndir`);
    const result = await runCli(["--demo", "--out", out, "--stamp", "none"], { env: { HOME: dir }, cwd: dir, timeoutMs: 30_000 });
    expect(result.code, result.stderr).toBe(0);
    expectNoRaw("stdout", result.stdout);
    expectNoRaw("stderr", result.stderr);
    expect(readdirSync(out)).toContain("carbon_detail.csv");
    expect(result.stderr).toContain(String.raw`new\x1b[2J\x1b[H\ndir/carbon_detail.csv`);
  });

  it("a GITHUB_STEP_SUMMARY that cannot be appended to, its path holding OSC 52: exit 2, one escaped line, nothing created", async () => {
    const summary = join(dir, `summary${osc52}\n`, "nested", "summary.md");
    const result = await runCli(["--demo", "--out", join(dir, "out-summary")], { env: { HOME: dir, GITHUB_STEP_SUMMARY: summary }, cwd: dir, timeoutMs: 30_000 });
    expect(result.code, result.stderr).toBe(2);
    expectNoRaw("stderr", result.stderr);
    expect(existsSync(join(dir, `summary${osc52}\n`))).toBe(false);
    expect(existsSync(join(dir, "out-summary"))).toBe(false);
    expect(result.stderr.trimEnd().split("\n")).toEqual([
      expect.stringContaining(String.raw`summary\x1b]52;c;ZXZpbCBjbGlwYm9hcmQ=\x07\n/nested/summary.md cannot be appended to`),
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Provider answers whose messages carry control characters.

const hostileMessage = `quota${retitle}${clear}\nInjected second line${osc52}${csi8bit}`;
const hostileBody = JSON.stringify({ error: { code: "Hostile", message: hostileMessage }, message: hostileMessage, __type: "HostileException" });

describe("a provider's message with control characters is one escaped line (built CLI)", { timeout: 60_000 }, () => {
  let setups: Record<BillingSetup["id"], BillingSetup>;
  let wattTime: FakeWattTime;
  beforeAll(async () => {
    const [aws, azure, gcp] = await Promise.all([awsSetup(), azureSetup(), gcpSetup()]);
    setups = { aws, azure, gcp };
    wattTime = await startFakeWattTime({ value: () => 1000 });
  });
  afterAll(async () => {
    await Promise.all([...Object.values(setups ?? {}).map((s) => s.close()), wattTime?.close()]);
  });

  async function behindProxy(upstream: string, match: FaultRule["match"], tls: BillingSetup["tls"], run: (url: string) => Promise<CliResult>): Promise<CliResult> {
    const proxy = await startFaultProxy(upstream, { match, fault: { kind: "answer", status: 400, body: hostileBody }, times: Infinity }, tls);
    try {
      const result = await run(proxy.url);
      expect(proxy.faulted, "the fault was never injected").toBeGreaterThan(0);
      return result;
    } finally {
      await proxy.close();
    }
  }

  it.each(["aws", "azure", "gcp"] as const)("%s answers 400 with it; the other provider's rows are written", async (id) => {
    const faulted = setups[id];
    const partner = setups[id === "aws" ? "gcp" : "aws"];
    const result = await behindProxy(faulted.upstream, faulted.dataCall, faulted.tls, (url) => {
      const home = scratch("hostile-provider");
      // Healthy answers must arrive in time on a loaded machine: 2 s per request.
      const env: Record<string, string> = { ...fastPolicy, CARBON_TRACK_TIMEOUT_MS: "2000", HOME: home, ...partner.env(partner.upstream), ...faulted.env(url) };
      const path = [partner.env(partner.upstream).PATH, faulted.env(url).PATH].filter(Boolean)[0];
      if (path) env.PATH = path;
      const args = ["--providers", `${id},${partner.id}`, ...windowArgs, "--out", join(home, "out"), ...faulted.args, ...partner.args];
      return runCli(args, { env, cwd: home, timeoutMs: 30_000 });
    });
    expect(result.code, result.stderr).toBe(3);
    expectNoRaw("stderr", result.stderr);
    expectNoRaw("stdout", result.stdout);
    const errors = result.stderr.split("\n").filter((l) => l.startsWith("error: "));
    expect(errors, result.stderr).toHaveLength(1);
    expect(errors[0]).toMatch(new RegExp(`^error: ${id}: .*quota\\\\x1b\\]0;pwned\\\\x07`));
    expect(result.stderr).not.toMatch(/^Injected second line/m);
  });

  it("WattTime answers 400 with it; every row is kept on the annual fallback", async () => {
    const home = scratch("hostile-watttime");
    writeFileSync(join(home, "usage.csv"), [header, row("111122223333", "us-west-1", "g6.12xlarge")].join("\n"));
    const result = await behindProxy(wattTime.url, ({ path }) => path.startsWith("/v3/historical"), undefined, (url) =>
      runCli(["--input", join(home, "usage.csv"), "--since", "2026-10-01", "--until", "2026-10-01", "--intensity", "watttime", "--out", join(home, "out")], {
        env: { ...fastPolicy, CARBON_TRACK_TIMEOUT_MS: "2000", HOME: home, XDG_CACHE_HOME: join(home, "cache"), WATTTIME_API_URL: url, WATTTIME_USERNAME: "carbon-test", WATTTIME_PASSWORD: "pa55-Word!secret" },
        cwd: home,
        timeoutMs: 30_000,
      }),
    );
    expect(result.code, result.stderr).toBe(3);
    expectNoRaw("stderr", result.stderr);
    expectNoRaw("stdout", result.stdout);
    const errors = result.stderr.split("\n").filter((l) => l.startsWith("error: "));
    expect(errors, result.stderr).toHaveLength(1);
    expect(errors[0]).toMatch(/^error: WattTime .*historical: HTTP 400 \(quota\\x1b\]0;pwned\\x07/);
  });
});
