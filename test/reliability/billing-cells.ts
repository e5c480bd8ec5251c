import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, expect } from "vitest";
import { runCli, type CliResult } from "../helpers/run-cli.js";
import { fastPolicy, scratch, windowArgs, type BillingSetup } from "./billing-setups.js";
import { startFaultProxy, type Fault, type FaultRule } from "./fault-proxy.js";

/** One cell of the fault matrix: a fault on a provider's data call, and what the run must do about it. */
export interface Cell {
  name: string;
  fault: Fault;
  /** 1: a transient fault; Infinity: it lasts for every attempt. */
  times: number;
  /** `recovers`: exit 0 with every row. A RegExp: exit 3, an error line naming the provider that matches it. */
  expect: "recovers" | RegExp;
  /** Which requests the fault hits, when not the provider's data call. */
  match?: FaultRule["match"];
}

/**
 * A cell must end within this, however the fault behaves. It is a bound against hanging, not a speed test: a lasting
 * timeout takes 4 attempts x testTimeoutMs, and a loaded machine may take several times longer to start the CLI.
 */
export const cellBoundMs = 30_000;

export interface CellRun {
  result: CliResult;
  elapsedMs: number;
  /** Detail CSV rows by provider, each as one comparable string. */
  rows: Record<string, string[]>;
  faulted: number;
}

const rowKey = (r: Record<string, string>): string =>
  [r.account, r.region, r.instance_type, r.unit, r.period_start, r.quantity_hours, r.co2e_kg].join(" ");

export function detailRows(out: string): Record<string, string[]> {
  const file = join(out, "carbon_detail.csv");
  if (!existsSync(file)) return {};
  const byProvider: Record<string, string[]> = {};
  for (const r of parse(readFileSync(file, "utf8"), { columns: true }) as Record<string, string>[]) {
    (byProvider[r.provider ?? ""] ??= []).push(rowKey(r));
  }
  for (const list of Object.values(byProvider)) list.sort();
  return byProvider;
}

/** Runs the built CLI with `faulted` behind a fault proxy and `partner` healthy beside it. */
export async function runBillingCell(faulted: BillingSetup, partner: BillingSetup, cell: Pick<Cell, "fault" | "times" | "match">, extraEnv: Record<string, string> = {}): Promise<CellRun> {
  const proxy = await startFaultProxy(faulted.upstream, { match: cell.match ?? faulted.dataCall, fault: cell.fault, times: cell.times }, faulted.tls);
  try {
    const dir = scratch(faulted.id);
    const out = join(dir, "out");
    const env: Record<string, string> = { ...fastPolicy, HOME: dir, XDG_CACHE_HOME: join(dir, "cache"), ...partner.env(partner.upstream), ...faulted.env(proxy.url), ...extraEnv };
    // Azure's stub `az` must stay first on PATH whichever side Azure is on.
    const path = [partner.env(partner.upstream).PATH, faulted.env(proxy.url).PATH].filter(Boolean)[0];
    if (path) env.PATH = path;
    const args = ["--providers", `${faulted.id},${partner.id}`, ...windowArgs, "--out", out, "--stamp", "none", ...faulted.args, ...partner.args];
    const started = Date.now();
    const result = await runCli(args, { env, cwd: dir, timeoutMs: cellBoundMs + 15_000 });
    return { result, elapsedMs: Date.now() - started, rows: detailRows(out), faulted: proxy.faulted };
  } finally {
    await proxy.close();
  }
}

/** The assertions every billing cell makes; `baseline` is a healthy run's rows. */
export function checkBillingCell(run: CellRun, cell: Cell, faulted: string, partner: string, baseline: Record<string, string[]>): void {
  const { result } = run;
  const why = `${cell.name}\nexit ${result.code}\nstderr:\n${result.stderr}`;
  expect(run.faulted, `the fault was never injected: ${why}`).toBeGreaterThan(0);
  expect(run.elapsedMs, why).toBeLessThan(cellBoundMs);
  // The healthy provider is reported in full whatever happened beside it.
  expect(run.rows[partner], why).toEqual(baseline[partner]);
  if (cell.expect === "recovers") {
    expect(result.code, why).toBe(0);
    expect(run.rows[faulted], why).toEqual(baseline[faulted]);
    return;
  }
  expect(result.code, why).toBe(3);
  const errors = result.stderr.split("\n").filter((l) => l.startsWith("error: "));
  const named = errors.filter((l) => l.startsWith(`error: ${faulted}: `));
  expect(named, why).toHaveLength(1);
  expect(named[0], why).toMatch(cell.expect);
  // No partial data: what a failed provider returned is left out, not summed as if it were complete.
  expect(run.rows[faulted] ?? [], why).toEqual([]);
}

/** Error bodies shared by cells that answer the same way on every protocol. */
export const malformedJson: Fault = { kind: "answer", status: 200, body: '{"ResultsByTime": [{"TimePeriod": ,, }' };
export const hang: Fault = { kind: "hang" };
export const truncate: Fault = { kind: "truncate" };

/**
 * Answers that are HTTP 200 but not the result asked for: each must be a provider failure, never "no usage".
 * The wrong shape is a JSON object of another API's kind; the HTML page is what a captive portal or a
 * misrouted proxy sends.
 */
export const empty200: Fault = { kind: "answer", status: 200, body: "" };
export const wrongShape200: Fault = { kind: "answer", status: 200, body: JSON.stringify({ status: "ok", items: [{ id: 1 }] }) };
export const array200: Fault = { kind: "answer", status: 200, body: "[]" };
export const html200: Fault = {
  kind: "answer",
  status: 200,
  body: "<!DOCTYPE html><html><head><title>Sign in</title></head><body><p>Please sign in.</p></body></html>",
  headers: { "content-type": "text/html; charset=utf-8" },
};
/** An answer that declares a body over the 64 MiB bound (the little it sends is never read). */
export const oversized: Fault = { kind: "answer", status: 200, body: "{}", headers: { "content-length": String(65 * 1024 * 1024) } };
/** Headers at once, then one byte every 200 ms: only a deadline covering the body ends it. */
export const drip: Fault = { kind: "drip", everyMs: 200 };

/**
 * One fault-matrix file's set-up: the faulted provider and a healthy partner, started once, and the healthy
 * baseline both must reproduce. `run` faults one cell; `check` holds it to the baseline.
 */
export function billingPair(faulted: [name: string, start: () => Promise<BillingSetup>], partner: [name: string, start: () => Promise<BillingSetup>]) {
  let f: BillingSetup;
  let p: BillingSetup;
  let baseline: Record<string, string[]>;
  beforeAll(async () => {
    [f, p] = await Promise.all([faulted[1](), partner[1]()]);
    const healthy = await runBillingCell(f, p, { fault: hang, times: 0 });
    expect(healthy.result.code, healthy.result.stderr).toBe(0);
    baseline = healthy.rows;
    expect(baseline[faulted[0]]?.length).toBeGreaterThan(0);
    expect(baseline[partner[0]]?.length).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await Promise.all([f?.close(), p?.close()]);
  });
  return {
    run: (cell: Pick<Cell, "fault" | "times" | "match">, extraEnv?: Record<string, string>): Promise<CellRun> => runBillingCell(f, p, cell, extraEnv),
    check: (run: CellRun, cell: Cell): void => checkBillingCell(run, cell, faulted[0], partner[0], baseline),
  };
}
