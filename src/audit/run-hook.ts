import { dirname, isAbsolute, relative, resolve } from "node:path";
import { UsageError } from "../errors.js";
import type { CliOptions } from "../cli/options.js";
import type { Leftovers } from "../io/leftovers.js";
import { removeStaleTemporaries } from "../io/temp-names.js";
import type { RunDeps } from "../pipeline/run.js";
import type { Setup } from "../pipeline/setup.js";
import type { ProviderId } from "../schema.js";
import type { Redactor } from "../text/redact.js";
import { auditPlan, openPack, type OpenPack, type PackMaterial } from "./pack.js";
import { checkAuditDir } from "./pack-dir.js";
import { signingKeyFrom } from "./signing-key.js";

/** --audit in a run: checked with the other arguments, then opened once the usage and intensity are known. */
export interface AuditPlan {
  /** For the sources: each query as sent (SourceContext.recordQuery). */
  record(provider: ProviderId, name: string, params: unknown): void;
  /** The same for a table read in place (--athena-table, --focus-table), under the service that ran it. */
  recordTable(service: "athena" | "bigquery", name: string, params: unknown): void;
  /** The same for --export files read by the embedded engine. */
  recordExport(name: string, params: unknown): void;
  /** Before this run creates anything: removes the pack directories that killed runs left beside DIR. */
  sweepStale(): void;
  open(
    m: Pick<PackMaterial, "rows" | "batching" | "tables" | "sourceWarnings" | "sourceFailures" | "head"> & { color: boolean; width: number | null },
    setup: Setup,
    leftovers: Leftovers,
    redactor: Redactor,
  ): OpenPack;
}

/**
 * Null without --audit. The directory and CARBON_TRACK_SIGNING_KEY are checked here, before anything is created:
 * a directory that cannot be written or is not empty, or a key that is not Ed25519, is exit 2.
 */
export function auditFor(opts: CliOptions, deps: Pick<RunDeps, "env" | "cwd" | "now">, outDir: string | null): AuditPlan | null {
  if (!opts.auditDir) return null;
  const dir = checkAuditDir(opts.auditDir, deps.cwd);
  // The pack is put in place whole, by one rename: the run's own files cannot be inside it.
  const rel = outDir ? relative(dir, outDir) : "..";
  if (rel === "" || (!rel.startsWith("..") && !isAbsolute(rel))) throw new UsageError(`--out ${opts.outDir} is inside --audit ${opts.auditDir}: give the pack a directory of its own`);
  const plan = auditPlan(dir, signingKeyFrom(deps.env, deps.cwd));
  return {
    record: plan.record,
    recordTable: (service, name, params) => plan.record(service, name, params),
    recordExport: (name, params) => plan.record("export", name, params),
    sweepStale: () => removeStaleTemporaries(dirname(dir)),
    open: (m, setup, leftovers, redactor) =>
      openPack(
        plan,
        {
          ...m,
          opts,
          config: setup.config,
          catalog: setup.catalog,
          utilizationPath: opts.utilizationFile ? resolve(deps.cwd, opts.utilizationFile) : null,
          configPath: opts.configFile ? resolve(deps.cwd, opts.configFile) : null,
          output: { format: opts.format, stamp: opts.stamp, width: m.width, color: m.color, latestOnPartial: opts.latestOnPartial, html: opts.html },
          now: deps.now,
        },
        { leftovers, redactor },
      ),
  };
}
