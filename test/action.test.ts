import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { parse as parseCsv } from "csv-parse/sync";
import { parse } from "yaml";
import { offlineGridEnv } from "./helpers/offline-grid.js";
import { binPath, repoRoot } from "./helpers/run-cli.js";
import { usageCsv } from "./helpers/usage-csv.js";

const text = (path: string): string => readFileSync(join(repoRoot, path), "utf8");
const load = (path: string): any => parse(text(path));
const workflows = ["action.yml", ...readdirSync(join(repoRoot, "docs/examples")).filter((f) => f.endsWith(".yml")).map((f) => `docs/examples/${f}`)];

describe("GitHub Action", () => {
  const action = load("action.yml");

  it("is a composite action that installs the packed package, runs carbon-track and uploads the CSVs", () => {
    expect(action.name).toBe("carbon-track");
    expect(action.runs.using).toBe("composite");
    for (const input of ["days", "since", "until", "config", "providers", "budget", "format", "ledger", "group-by", "args"]) expect(action.inputs).toHaveProperty(input);
    for (const [name, spec] of Object.entries<any>(action.inputs)) {
      expect(typeof spec.description, name).toBe("string");
      if ("default" in spec) expect(typeof spec.default, name).toBe("string");
    }
    // days is optional and empty by default, so --since/--until (inputs or args) never collide with it.
    expect(action.inputs.days.default).toBe("");
    expect(action.inputs["node-version"].default).toBe("22");
    const steps: any[] = action.runs.steps;
    for (const s of steps) if (s.run) expect(s.shell, s.name).toBe("bash");
    // No build on the runner: npm installs the package (compiled dist/ inside), never `npm ci` in the action's checkout.
    const install = steps.find((s) => s.name === "Install carbon-track");
    expect(install.run).toMatch(/npm install --prefix .* --omit=dev "\$spec"/);
    expect(steps.some((s) => /npm ci|npm run build|tsc/.test(s.run ?? ""))).toBe(false);
    expect(steps.find((s) => s.id === "run").run).toMatch(/action\/run\.mjs/);
    // Inputs are passed through env, never interpolated into a script.
    for (const s of steps) if (s.run) expect(s.run, s.name).not.toMatch(/\$\{\{/);
    expect(action.outputs["exit-code"].value).toBe("${{ steps.run.outputs.exit-code }}");
  });

  it("the example weekly workflow uses OIDC for AWS, Azure and GCP and only inputs that exist", () => {
    const wf = load("docs/examples/weekly-carbon.yml");
    expect(wf.on.schedule[0].cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    expect(wf.permissions["id-token"]).toBe("write");
    const steps: any[] = wf.jobs.carbon.steps;
    const step = (prefix: string) => steps.find((s) => String(s.uses).startsWith(prefix));
    expect(step("aws-actions/configure-aws-credentials").with).toHaveProperty("role-to-assume");
    const azure = step("azure/login").with;
    expect(Object.keys(azure).sort()).toEqual(["client-id", "subscription-id", "tenant-id"]);
    expect(step("google-github-actions/auth").with).toHaveProperty("workload_identity_provider");
    const ours = steps.find((s) => /carbon-track@/.test(String(s.uses)));
    expect(ours).toBeDefined();
    for (const key of Object.keys(ours.with)) expect(Object.keys(action.inputs)).toContain(key);
    // No long-lived keys anywhere.
    expect(JSON.stringify(wf)).not.toMatch(/AWS_SECRET_ACCESS_KEY|client-secret|credentials_json/);
  });
});

/**
 * The workflow lint CI runs (no actionlint binary can be installed here): what actionlint would refuse in these
 * files, checked structurally.
 */
describe("workflow lint", () => {
  for (const file of workflows) {
    it(`${file}: third-party actions pinned by commit SHA with the tag in a comment; expressions name what exists`, () => {
      const raw = text(file);
      const uses = [...raw.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)];
      expect(uses.length).toBeGreaterThan(0);
      for (const [line, ref, rest] of uses) {
        if (ref!.startsWith("./") || ref!.startsWith("your-org/")) continue;
        expect(ref, line).toMatch(/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/);
        expect(rest, line).toMatch(/^\s+# v\d+(\.\d+){0,2}$/);
      }
      const doc = parse(raw);
      const inputs = new Set(Object.keys(doc.inputs ?? {}));
      for (const m of raw.matchAll(/\$\{\{\s*inputs\.([\w-]+)/g)) if (file === "action.yml") expect(inputs, m[0]).toContain(m[1]);
      const stepLists: any[][] = file === "action.yml" ? [doc.runs.steps] : Object.values<any>(doc.jobs).map((j) => j.steps);
      for (const steps of stepLists) {
        const ids = steps.map((s) => s.id).filter(Boolean);
        expect(new Set(ids).size, "step ids are unique").toBe(ids.length);
        for (const m of raw.matchAll(/steps\.([\w-]+)\.outputs/g)) expect(ids, m[0]).toContain(m[1]);
        for (const s of steps) {
          expect(Boolean(s.uses) !== Boolean(s.run), `${s.name}: either uses or run`).toBe(true);
          if (s.run) expect(s.run, s.name).not.toMatch(/\$\{\{/);
        }
      }
    });
  }
});

/** The run step as GitHub runs it: action/run.mjs with the inputs as CT_* variables and the runner's files. */
async function runStep(inputs: Record<string, string>, files: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "ct-action-"));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  const outputFile = join(dir, "github-output");
  const summaryFile = join(dir, "step-summary.md");
  writeFileSync(outputFile, "");
  writeFileSync(summaryFile, "");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    XDG_CACHE_HOME: join(dir, "cache"),
    NO_COLOR: "1",
    AWS_EC2_METADATA_DISABLED: "true",
    METADATA_SERVER_DETECTION: "none",
    ...offlineGridEnv(),
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    CARBON_TRACK_BIN: binPath,
    CT_FORMAT: "markdown",
    CT_OUT: "carbon-report",
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`CT_${k.toUpperCase().replace(/-/g, "_")}`, v])),
  };
  const res = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, "action/run.mjs")], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  const output = readFileSync(outputFile, "utf8");
  return { ...res, dir, exitCode: /^exit-code=(\d+)$/m.exec(output)?.[1], summary: readFileSync(summaryFile, "utf8") };
}

describe("the Action's run step, simulated with GITHUB_OUTPUT and GITHUB_STEP_SUMMARY", () => {
  it("takes since/until without days, and turns carbon-track's warnings into annotations", async () => {
    const r = await runStep({ since: "2026-10-01", until: "2026-10-03", args: "--demo" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.exitCode, r.stderr).toBe("0");
    expect(r.summary).toMatch(/2026-10-01/);
    expect(r.stdout).toMatch(/^::warning title=carbon-track::azure instance type \S+ is not in the catalog/m);
    expect(readdirSync(join(r.dir, "carbon-report")).some((f) => f.startsWith("carbon_detail_"))).toBe(true);
  });

  it("passes a config path and an --input path with spaces, one argument per line or quoted on one line", async () => {
    const rows = usageCsv([{ provider: "aws", account: "1", region: "us-east-1", instanceType: "p5.48xlarge", hours: "24", day: "2026-10-02" }]);
    const files = { "my config/carbon track.json": JSON.stringify({ options: { "no-embodied": true } }), "usage data/oct usage.csv": rows };
    const perLine = await runStep({ days: "", since: "2026-10-01", until: "2026-10-03", config: "my config/carbon track.json", args: "--input\nusage data/oct usage.csv\n--stamp=none\n" }, files);
    expect(perLine.exitCode, perLine.stderr).toBe("0");
    // The config's "no-embodied" reached the run: the embodied columns are empty.
    const [row] = parseCsv(readFileSync(join(perLine.dir, "carbon-report", "carbon_detail.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(row).toMatchObject({ provider: "aws", account: "1", instance_type: "p5.48xlarge", embodied_kg: "", embodied_low_kg: "", embodied_high_kg: "" });
    const quoted = await runStep({ since: "2026-10-01", until: "2026-10-03", format: "csv", args: `--input "usage data/oct usage.csv" --config 'my config/carbon track.json'` }, files);
    expect(quoted.exitCode, quoted.stderr).toBe("0");
    expect(readFileSync(join(quoted.dir, "carbon-report", "carbon-track.csv"), "utf8")).toMatch(/^aws,1,us-east-1,p5\.48xlarge/m);
  });

  it("exit 2: an error annotation and a job summary that says why", async () => {
    const r = await runStep({ days: "7", args: "--demo", format: "xml" });
    expect(r.exitCode).toBe("2");
    expect(r.stdout).toMatch(/^::error title=carbon-track::--format "xml" is not one of/m);
    expect(r.stdout).toMatch(/^::error title=carbon-track exited with 2::usage or configuration error/m);
    expect(r.summary).toMatch(/^## carbon-track failed \(exit 2\)$/m);
    expect(r.summary).toMatch(/--format "xml" is not one of/);
  });

  it("exit 1: no usage in the window, summarised", async () => {
    const rows = usageCsv([{ provider: "aws", account: "1", region: "us-east-1", instanceType: "p5.48xlarge", hours: "24", day: "2026-09-01" }]);
    const r = await runStep({ since: "2026-10-01", until: "2026-10-03", args: "--input usage.csv" }, { "usage.csv": rows });
    expect(r.exitCode, r.stderr).toBe("1");
    expect(r.summary).toMatch(/^## carbon-track failed \(exit 1\)$/m);
    expect(r.stdout).toMatch(/^::error title=carbon-track exited with 1::nothing usable was produced/m);
  });

  it("exit 4: the report in the summary, the budget lines annotated", async () => {
    const r = await runStep({ days: "7", budget: "1", args: "--demo" });
    expect(r.exitCode, r.stderr).toBe("4");
    expect(r.summary).toMatch(/### carbon-track: exit 4, carbon budget exceeded/);
    expect(r.stdout).toMatch(/^::error title=carbon-track exited with 4::carbon budget exceeded/m);
  });

  it("splits args like a shell, without expanding anything", async () => {
    const { splitArgs } = (await import(pathToFileURL(join(repoRoot, "action/run.mjs")).href)) as { splitArgs: (t: string) => string[] };
    expect(splitArgs(`--a "b c" 'd "e"' f\\ g $HOME *`)).toEqual(["--a", "b c", 'd "e"', "f g", "$HOME", "*"]);
    expect(splitArgs("--input\n  my 'file'.csv  \n\n--signal\naverage\n")).toEqual(["--input", "my 'file'.csv", "--signal", "average"]);
    expect(splitArgs("--gcp-table p.d.t\n")).toEqual(["--gcp-table", "p.d.t"]);
    expect(() => splitArgs(`--x "open`)).toThrow(/not closed/);
  });
});
