import { spawnSync } from "node:child_process";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset, startFakeCostExplorer, type FakeCostExplorer } from "../fakes/aws-cost-explorer.js";
import { awsTestEnv, fixturePath as awsFixture } from "../sources/aws/harness.js";
import { expectOneLine, privateMountsWork, runChild, scratchDir, startCli, writeInput } from "./child-cli.js";
import { windowArgs } from "./billing-setups.js";

/**
 * Output faults (docs/reliability.md "Output faults"): every place the run writes to is checked before the first
 * request; a full disk or a broken stdout ends in one line with exit 1 and no partial set of files; a reader that
 * leaves early (`| head`) ends the run quietly with exit 0.
 */

const isRoot = process.getuid?.() === 0;
// Root passes every permission check: a case about permission bits runs as "nobody" then.
const nobody = { uid: 65534, gid: 65534 };
const mounts = privateMountsWork();
const finalNames = ["carbon_detail.csv", "carbon_detail_latest.csv", "carbon_suggestions.csv", "carbon_summary.csv", "datapackage.json"];

let aws: FakeCostExplorer;
beforeAll(async () => {
  aws = await startFakeCostExplorer(loadDataset(awsFixture));
});
afterAll(() => aws.close());

/** A run against the AWS fake: proves a refusal comes before any billed request. */
const awsRun = (dir: string, out: string, env: Record<string, string> = {}) =>
  runChild(["--providers", "aws", ...windowArgs, "--out", out, "--stamp", "none"], { cwd: dir, env: { ...awsTestEnv(aws.url), ...env } });

interface OutCase {
  name: string;
  /** Makes what the case needs in `dir`; returns the --out to give. */
  setup(dir: string): string;
  message: RegExp;
}

const outCases: OutCase[] = [
  { name: "--out /proc/carbon (hung before: mkdir -p retried forever)", setup: () => "/proc/carbon", message: /--out \/proc\/carbon cannot be created in \/proc: the file system there takes no new files \(ENOENT\)/ },
  { name: "--out below /proc", setup: () => "/proc/carbon/deeper", message: /cannot be created in \/proc: .*ENOENT/ },
  { name: "--out /sys/carbon", setup: () => "/sys/carbon", message: /--out \/sys\/carbon cannot be created in \/sys: .*\((EACCES|EROFS|EPERM)\)/ },
  { name: "--out below /dev/null", setup: () => "/dev/null/carbon", message: /--out \/dev\/null\/carbon cannot be created: \/dev\/null is a device/ },
  {
    name: "--out is a dangling symbolic link",
    setup: (dir) => (symlinkSync(join(dir, "gone"), join(dir, "link")), join(dir, "link")),
    message: /--out .*link cannot be created: .*link is a symbolic link to a path that does not exist/,
  },
  {
    name: "--out below a dangling symbolic link",
    setup: (dir) => (symlinkSync(join(dir, "gone"), join(dir, "link")), join(dir, "link", "sub")),
    message: /--out .*link\/sub cannot be created: .*link is a symbolic link to a path that does not exist/,
  },
  {
    name: "--out is a symbolic link loop",
    setup: (dir) => (symlinkSync(join(dir, "b"), join(dir, "a")), symlinkSync(join(dir, "a"), join(dir, "b")), join(dir, "a")),
    message: /--out .*a cannot be used: .*too many levels of symbolic links \(ELOOP\)/,
  },
  { name: "--out below a regular file", setup: (dir) => (writeFileSync(join(dir, "f"), "x"), join(dir, "f", "out")), message: /cannot be created: .*f is a file/ },
  { name: "--out is a FIFO", setup: (dir) => (mkfifoSync(join(dir, "fifo")), join(dir, "fifo")), message: /--out .*fifo exists and is not a directory \(a FIFO\)/ },
  { name: "--out below a FIFO", setup: (dir) => (mkfifoSync(join(dir, "fifo")), join(dir, "fifo", "out")), message: /cannot be created: .*fifo is a FIFO/ },
];

function mkfifoSync(path: string): void {
  const r = spawnSync("mkfifo", [path]);
  if (r.status !== 0) throw new Error(`mkfifo ${path} failed`);
}

describe("--out is checked before the first request: exit 2, one line, nothing created", () => {
  for (const c of outCases) {
    it(c.name, async () => {
      const dir = scratchDir("out");
      const out = c.setup(dir);
      const before = readdirSync(dir).sort();
      const requests = aws.requests.length;
      const res = await awsRun(dir, out);
      expect(res.code, res.stderr).toBe(2);
      expectOneLine(res.stderr, c.message);
      expect(aws.requests.length, "a request was made").toBe(requests);
      expect(readdirSync(dir).sort(), "no probe or directory left behind").toEqual(before);
    });
  }

  it("--out is a socket", async () => {
    const dir = scratchDir("out-socket");
    const path = join(dir, "sock");
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(path, resolve));
    try {
      const res = await awsRun(dir, path);
      expect(res.code, res.stderr).toBe(2);
      expectOneLine(res.stderr, /--out .*sock exists and is not a directory \(a socket\)/);
    } finally {
      server.close();
    }
  });

  it.skipIf(isRoot && !canSwitchUser())("an existing --out where the user may not write (EACCES)", async () => {
    const dir = scratchDir("out-eacces");
    const out = join(dir, "out");
    mkdirSync(out);
    chmodSync(out, 0o555);
    const requests = aws.requests.length;
    const res = await runChild(["--providers", "aws", ...windowArgs, "--out", out], { cwd: dir, env: awsTestEnv(aws.url), ...(isRoot ? { user: nobody } : {}) });
    expect(res.code, res.stderr).toBe(2);
    expectOneLine(res.stderr, /--out .*out is not writable: permission denied \(EACCES\)/);
    expect(aws.requests.length).toBe(requests);
    expect(readdirSync(out)).toEqual([]);
  });

  it.skipIf(isRoot && !canSwitchUser())("a missing --out below a directory where the user may not write (EACCES)", async () => {
    const dir = scratchDir("out-eacces-parent");
    const parent = join(dir, "locked");
    mkdirSync(parent);
    chmodSync(parent, 0o555);
    const res = await runChild(["--providers", "aws", ...windowArgs, "--out", join(parent, "a", "b")], { cwd: dir, env: awsTestEnv(aws.url), ...(isRoot ? { user: nobody } : {}) });
    expect(res.code, res.stderr).toBe(2);
    expectOneLine(res.stderr, /--out .*locked\/a\/b cannot be created in .*locked: permission denied \(EACCES\)/);
    expect(readdirSync(parent)).toEqual([]);
  });

  it.skipIf(!mounts)("an existing --out on a read-only mount (EROFS)", async () => {
    const dir = scratchDir("out-erofs");
    const out = join(dir, "ro");
    mkdirSync(out);
    const res = await runChild(["--input", input(dir), "--out", out], { cwd: dir, wrap: readOnly(out) });
    expect(res.code, res.stderr).toBe(2);
    expectOneLine(res.stderr, /--out .*ro is not writable: read-only file system \(EROFS\)/);
    expect(readdirSync(out)).toEqual([]);
  });

  it.skipIf(!mounts)("a missing --out below a read-only mount (EROFS)", async () => {
    const dir = scratchDir("out-erofs-parent");
    const ro = join(dir, "ro");
    mkdirSync(ro);
    const res = await runChild(["--input", input(dir), "--out", join(ro, "out")], { cwd: dir, wrap: readOnly(ro) });
    expect(res.code, res.stderr).toBe(2);
    expectOneLine(res.stderr, /--out .*ro\/out cannot be created in .*ro: read-only file system \(EROFS\)/);
    expect(readdirSync(ro)).toEqual([]);
  });

  it("a writable --out that does not exist yet is created only when there is something to put in it", async () => {
    const dir = scratchDir("out-ok");
    const res = await runChild(["--input", input(dir), "--out", join(dir, "a", "b"), "--stamp", "none", "--quiet"], { cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toBe("");
    expect(readdirSync(join(dir, "a", "b")).sort()).toEqual(finalNames);
    // HOME is this directory too: the intensity cache (HOME/.cache) is the run's own, not a stray --out.
    expect(readdirSync(dir).filter((f) => f !== ".cache").sort()).toEqual(["a", "u.csv"]);
  });
});

describe("GITHUB_STEP_SUMMARY is checked before the first request", () => {
  const summaryCases: { name: string; setup(dir: string): string; message: RegExp }[] = [
    { name: "a directory", setup: (dir) => dir, message: /GITHUB_STEP_SUMMARY .* cannot be appended to: is a directory \(EISDIR\)/ },
    { name: "a FIFO without a reader (would block forever)", setup: (dir) => (mkfifoSync(join(dir, "fifo")), join(dir, "fifo")), message: /cannot be appended to: no reader .*\(ENXIO\)/ },
    { name: "a new file under /proc", setup: () => "/proc/carbon-summary.md", message: /cannot be appended to: the file system there takes no new files \(ENOENT\)/ },
    { name: "a file in a directory that does not exist", setup: (dir) => join(dir, "none", "summary.md"), message: /cannot be appended to: no such file or directory \(ENOENT\)/ },
  ];
  for (const c of summaryCases) {
    it(`${c.name}: exit 2, one line, no request`, async () => {
      const dir = scratchDir("summary");
      const requests = aws.requests.length;
      const res = await awsRun(dir, join(dir, "out"), { GITHUB_STEP_SUMMARY: c.setup(dir) });
      expect(res.code, res.stderr).toBe(2);
      expectOneLine(res.stderr, c.message);
      expect(aws.requests.length).toBe(requests);
      expect(existsSync(join(dir, "out"))).toBe(false);
    });
  }

  it.skipIf(isRoot && !canSwitchUser())("a file the user may not write (EACCES)", async () => {
    const dir = scratchDir("summary-eacces");
    const summary = join(dir, "summary.md");
    writeFileSync(summary, "before\n");
    chmodSync(summary, 0o444);
    const res = await runChild(["--input", input(dir), "--format", "csv"], { cwd: dir, env: { GITHUB_STEP_SUMMARY: summary }, ...(isRoot ? { user: nobody } : {}) });
    expect(res.code, res.stderr).toBe(2);
    expectOneLine(res.stderr, /GITHUB_STEP_SUMMARY .*summary\.md cannot be appended to: permission denied \(EACCES\)/);
    expect(res.stdout).toBe("");
    expect(readFileSync(summary, "utf8")).toBe("before\n");
  });

  it("a file that fills up during the run (/dev/full) costs the summary, not the data: a warning, exit 0", async () => {
    const dir = scratchDir("summary-full");
    const res = await runChild(["--input", input(dir), "--out", join(dir, "out"), "--stamp", "none", "--quiet"], { cwd: dir, env: { GITHUB_STEP_SUMMARY: "/dev/full" } });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr.trimEnd()).toMatch(/^warning: GITHUB_STEP_SUMMARY \/dev\/full cannot be appended to: no space left on device \(ENOSPC\)$/);
    expect(readdirSync(join(dir, "out")).sort()).toEqual(finalNames);
  });
});

/** The CLI under `unshare -rm`, with --out's parent on a tmpfs of `size` (a real full disk), listing what is left. */
function onSmallDisk(disk: string, size: string, prepare: string, listing: string): string[] {
  const script = `mount -t tmpfs -o size=${size} tmpfs "$DISK" || exit 99; ${prepare}; "$@"; rc=$?; (ls -A "$DISK"; ls -A "$DISK/out" 2>/dev/null; cat "$DISK/out/carbon_summary.csv" 2>/dev/null) > "$LISTING"; exit $rc`;
  return ["env", `DISK=${disk}`, `LISTING=${listing}`, "unshare", "-rm", "sh", "-c", script, "sh"];
}

const readOnly = (dir: string): string[] => ["unshare", "-rm", "sh", "-c", `mount --bind -o ro '${dir}' '${dir}' || exit 99; exec "$@"`, "sh"];

/** A small --input in `dir` (50 rows, no warning). */
function input(dir: string, rows = 50): string {
  const path = join(dir, "u.csv");
  if (!existsSync(path)) writeInput(path, rows);
  return path;
}

function canSwitchUser(): boolean {
  return spawnSync(process.execPath, ["-e", ""], { uid: nobody.uid, gid: nobody.gid }).status === 0;
}

describe.skipIf(!mounts)("a full disk while writing the files: exit 1, one line, no partial set, no temporary", () => {
  it("the detail CSV does not fit: --out, created by the run, is removed again", async () => {
    const dir = scratchDir("enospc");
    const disk = join(dir, "disk");
    mkdirSync(disk);
    const listing = join(dir, "listing");
    const res = await runChild(["--input", input(dir, 2000), "--out", join(disk, "out"), "--stamp", "none", "--quiet"], {
      cwd: dir,
      wrap: onSmallDisk(disk, "64k", "true", listing),
    });
    expect(res.code, res.stderr).toBe(1);
    expectOneLine(res.stderr, /^carbon-track: cannot write .*disk\/out\/carbon_detail\.csv: no space left on device \(ENOSPC\): nothing was written$/);
    expect(readFileSync(listing, "utf8")).toBe("");
  });

  it("the last file does not fit: the previous run's files stay as they were, no new file appears", async () => {
    const dir = scratchDir("enospc-last");
    const disk = join(dir, "disk");
    mkdirSync(disk);
    const listing = join(dir, "listing");
    // 50 rows make a detail CSV of about 33 KB: it fits once on 80 KB beside the old files, not twice.
    const prepare = `mkdir "$DISK/out" && for f in ${finalNames.join(" ")}; do printf 'previous run\\n' > "$DISK/out/$f"; done`;
    const res = await runChild(["--input", input(dir, 50), "--out", join(disk, "out"), "--stamp", "none", "--quiet"], {
      cwd: dir,
      wrap: onSmallDisk(disk, "80k", prepare, listing),
    });
    expect(res.code, res.stderr).toBe(1);
    expectOneLine(res.stderr, /cannot write .*disk\/out\/carbon_\w+\.csv: no space left on device \(ENOSPC\): nothing was written$/);
    expect(readFileSync(listing, "utf8")).toBe(["out", ...finalNames, "previous run", ""].join("\n"));
  });
});

describe("stdout that cannot be written: exit 1 and one line; a reader that left: exit 0, quietly", () => {
  for (const format of ["csv", "json", "table", "markdown"]) {
    it(`--format ${format} >> /dev/full`, async () => {
      const dir = scratchDir("devfull");
      const full = openSync("/dev/full", "a");
      try {
        const res = await runChild(["--input", input(dir, 2000), "--format", format, "--out", join(dir, "out"), "--quiet"], { cwd: dir, stdout: full });
        expect(res.code, res.stderr).toBe(1);
        expectOneLine(res.stderr, /^carbon-track: cannot write to stdout: no space left on device \(ENOSPC\): (nothing was written|the data on stdout is incomplete)$/);
        expect(existsSync(join(dir, "out")), "files put in place after stdout failed").toBe(false);
      } finally {
        closeSync(full);
      }
    });

    it(`--format ${format} with the reader gone before the first write (EPIPE)`, async () => {
      const dir = scratchDir("epipe");
      const { child, ended } = startCli(["--input", input(dir, 2000), "--format", format, "--out", join(dir, "out"), "--stamp", "none", "--quiet"], { cwd: dir });
      child.stdout!.destroy();
      const res = await ended;
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).toBe("");
      // The report on stdout is a view: the files of a table or Markdown run are still put in place.
      if (format === "table" || format === "markdown") expect(readdirSync(join(dir, "out")).sort()).toEqual(finalNames);
    });
  }

  for (const flag of ["--help", "--version"]) {
    it(`${flag} >> /dev/full: exit 1, one line`, async () => {
      const dir = scratchDir("help-full");
      const full = openSync("/dev/full", "a");
      try {
        const res = await runChild([flag], { cwd: dir, stdout: full });
        expect(res.code, res.stderr).toBe(1);
        expectOneLine(res.stderr, /^carbon-track: cannot write to stdout: no space left on device \(ENOSPC\)$/);
      } finally {
        closeSync(full);
      }
    });

    it(`${flag} with the reader gone: exit 0, quietly`, async () => {
      const { child, ended } = startCli([flag], { cwd: scratchDir("help-epipe") });
      child.stdout!.destroy();
      const res = await ended;
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).toBe("");
    });
  }

  it("the README's `| head -1` on a csv run: the header, exit 0, nothing on stderr", async () => {
    const dir = scratchDir("head");
    const res = await runChild(["--input", input(dir, 5000), "--format", "csv", "--quiet"], {
      cwd: dir,
      wrap: ["bash", "-c", '"$@" | head -1; exit "${PIPESTATUS[0]}"', "bash"],
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toBe("");
    expect(res.stdout).toMatch(/^provider,account,region,[^\n]*\r\n$/);
  });
});
