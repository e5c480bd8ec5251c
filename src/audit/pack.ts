import { randomUUID } from "node:crypto";
import { closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { CliOptions } from "../cli/options.js";
import type { Catalog } from "../config/catalog.js";
import type { UserConfig } from "../config/user-config.js";
import { packageDataFile } from "../config/paths.js";
import type { IntensityTable } from "../intensity/types.js";
import { CarbonTrackError, ExitCode } from "../errors.js";
import type { Staging } from "../io/atomic.js";
import { describeFsError } from "../io/fs-errors.js";
import type { Leftovers } from "../io/leftovers.js";
import { createOutDir } from "../io/out-dir.js";
import type { WatchedStdout } from "../io/stdout.js";
import { packTempName } from "../io/temp-names.js";
import type { UsageRows } from "../pipeline/estimate-pass.js";
import type { ReportData } from "../report/model.js";
import type { IntensitySignal, ProviderId } from "../schema.js";
import type { Redactor } from "../text/redact.js";
import { buildCommit, toolVersion } from "../version.js";
import { canonicalJson, sha256 } from "./canonical.js";
import { filesUnder, sumsText } from "./pack-files.js";
import { intensityCsv } from "./intensity-csv.js";
import { packPaths, shippedFactors, stdoutName, storeTable, unsummed, type Manifest, type PackRun, type SourceNotes, type StoredTables } from "./material.js";
import { methodology } from "./methodology.js";
import type { SigningKey } from "./signing-key.js";

/** --audit as checked before anything is created: the directory, the key, and the queries as the sources send them. */
export interface PackPlan {
  dir: string;
  key: SigningKey | null;
  queries: Record<string, { name: string; params: unknown }[]>;
  record(source: ProviderId | "athena" | "bigquery" | "export", name: string, params: unknown): void;
}

export function auditPlan(dir: string, key: SigningKey | null): PackPlan {
  const queries: PackPlan["queries"] = {};
  return { dir, key, queries, record: (provider, name, params) => void (queries[provider] ??= []).push({ name, params }) };
}

/** What the run hands the pack once the usage is read and the intensity resolved. */
export interface PackMaterial {
  rows: UsageRows;
  batching: PackRun["batching"];
  tables: Record<IntensitySignal, IntensityTable>;
  sourceWarnings: string[];
  sourceFailures: string[];
  opts: CliOptions;
  config: UserConfig;
  /** The --utilization file's absolute path, or null. */
  utilizationPath: string | null;
  /** The config file's absolute path, or null. */
  configPath: string | null;
  catalog: Catalog;
  head: PackRun["head"];
  output: PackRun["output"];
  now: Date;
}

export interface OpenPack {
  /** stdout as the run writes it, also captured into outputs/ (the document of csv and json runs, the report otherwise). */
  tee(stdout: WatchedStdout): WatchedStdout;
  /** Writes the rest of the pack once every output is staged, and adds it to the same set: all appear together. */
  seal(files: Staging, report: ReportData): Promise<void>;
}

/**
 * Opens the pack beside its final place: a temporary directory (swept with the run's other temporaries if the run
 * fails) that becomes DIR by one rename, after the outputs it describes are staged.
 */
export function openPack(plan: PackPlan, m: PackMaterial, deps: { leftovers: Leftovers; redactor: Redactor }): OpenPack {
  createOutDir(dirname(plan.dir), deps.leftovers);
  const tmp = packTempName(plan.dir);
  deps.leftovers.file(tmp);
  // A disk that filled or a permission that changed since the check: one line, and the run's files stay out too.
  const guarded = async <T>(step: () => T | Promise<T>): Promise<T> => {
    try {
      return await step();
    } catch (err) {
      if (err instanceof CarbonTrackError) throw err;
      throw new CarbonTrackError(`cannot write the --audit pack ${plan.dir}: ${describeFsError(err)}: nothing was written`, ExitCode.error);
    }
  };
  let captured: number;
  try {
    for (const sub of [packPaths.outputs, "inputs", "factors"]) mkdirSync(join(tmp, sub), { recursive: true });
    captured = openSync(join(tmp, packPaths.outputs, stdoutName(m.output.format)), "wx");
  } catch (err) {
    throw new CarbonTrackError(`cannot create the --audit pack beside ${plan.dir}: ${describeFsError(err)}: nothing was written`, ExitCode.error);
  }
  const clean = (text: string): string => deps.redactor.redact(text);
  const write = (rel: string, text: string | Uint8Array): void => writeFileSync(join(tmp, rel), text);
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

  const writeRest = async (files: Staging, report: ReportData): Promise<void> => {
    closeSync(captured);
    const runId = randomUUID();
    for (const path of files.paths()) copyFileSync(files.staged(path), join(tmp, packPaths.outputs, basename(path)));
    await writeUsage(join(tmp, packPaths.usage), m.rows);
    const tables: StoredTables = { marginal: storeTable(m.tables.marginal, clean), average: storeTable(m.tables.average, clean) };
    write(packPaths.intensity, json(tables));
    write(packPaths.intensityCsv, intensityCsv(tables));
    const run: PackRun = {
      runId,
      generatedAt: m.now.toISOString(),
      head: m.head,
      output: m.output,
      batching: m.batching,
      configFile: m.opts.configFile,
      utilizationFile: m.opts.utilizationFile,
      budget: m.opts.budget,
      groupKeys: m.opts.groupKeys,
      groupBudgets: m.opts.groupBudgets,
    };
    write(packPaths.run, json(run));
    const { userConfig: _config, ...options } = m.opts;
    write(packPaths.configuration, json(redactStrings({ options, config: m.config }, clean)));
    const notes: SourceNotes = { warnings: m.sourceWarnings.map(clean), failures: m.sourceFailures.map(clean), comparison: report.comparison ?? null };
    write(packPaths.notes, json(notes));
    if (m.utilizationPath) copyFileSync(m.utilizationPath, join(tmp, packPaths.utilization));
    const build = { toolVersion: toolVersion(), ...buildCommit(), node: process.version };
    const sources = shippedFactors.map((name) => {
      const bytes = readFileSync(packageDataFile(name));
      write(`factors/${name}`, bytes);
      return { file: `factors/${name}`, source: `config/${name} shipped with carbon-track ${build.toolVersion}`, sha256: sha256(bytes) };
    });
    // The user's own files, hashed as they were read: the pack holds their content (configuration.json, utilization.csv).
    const given = (path: string | null, file: string, source: string) => (path ? [{ file, source, sha256: sha256(readFileSync(path)) }] : []);
    const overrides = [
      ...given(m.configPath, packPaths.configuration, `the config file ${m.opts.configFile} (its catalog, regions and availability overrides, as read)`),
      ...given(m.utilizationPath, packPaths.utilization, `the --utilization file ${m.opts.utilizationFile}`),
    ];
    write(packPaths.factorSources, json([...sources, ...overrides].map((f) => ({ ...f, source: clean(f.source) }))));
    write(packPaths.build, json(build));
    write(packPaths.methodology, clean(methodology({ report, run, build, tables: m.tables, opts: m.opts, catalog: m.catalog })));

    const listed = filesUnder(tmp).filter((p) => !unsummed.includes(p));
    const manifest: Manifest = {
      packFormat: "carbon-track-audit/1",
      runId,
      generatedAt: run.generatedAt,
      window: m.head.period,
      options: redactStrings(options, clean) as Record<string, unknown>,
      toolVersion: build.toolVersion,
      commit: build.commit,
      commitDirty: build.dirty,
      // The queries are carbon-track's own text, built from the options and config: the secrets it knows are taken
      // out, but no shape, which would blank parts of the SQL (`l.key = '…'`) and the record would not be what was sent.
      queries: redactStrings(plan.queries, (text) => deps.redactor.redactKnown(text)) as Manifest["queries"],
      signature: plan.key ? { algorithm: "ed25519", publicKeySha256: plan.key.publicKeySha256, publicKeyPem: plan.key.publicKeyPem } : null,
      files: listed.map((path) => {
        const bytes = readFileSync(join(tmp, path));
        return { path, sha256: sha256(bytes), bytes: bytes.length };
      }),
    };
    const manifestText = canonicalJson(manifest);
    write(packPaths.manifest, manifestText);
    write(packPaths.sums, sumsText([...manifest.files, { path: packPaths.manifest, sha256: sha256(manifestText) }]));
    if (plan.key) write(packPaths.signature, plan.key.sign(Buffer.from(manifestText)));
    // On disk before it is put in place, as the staged outputs are (io/atomic.ts).
    for (const path of filesUnder(tmp)) {
      const fd = openSync(join(tmp, path), "r+");
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    // The pack becomes a member of the run's set, renamed into place after the outputs it describes.
    renameSync(tmp, files.external(plan.dir));
    deps.leftovers.settled(tmp);
  };

  return {
    tee(stdout) {
      const keep = (text: string | Uint8Array): void => {
        try {
          // A write may take part of the bytes: the rest follows until all are in.
          const bytes = typeof text === "string" ? Buffer.from(text) : text;
          for (let at = 0; at < bytes.length; ) at += writeSync(captured, bytes, at);
        } catch (err) {
          throw new CarbonTrackError(`cannot write the --audit pack ${plan.dir}: ${describeFsError(err)}: nothing was written`, ExitCode.error);
        }
      };
      return {
        get error() {
          return stdout.error;
        },
        get readerLeft() {
          return stdout.readerLeft;
        },
        write(text) {
          keep(text);
          return stdout.write(text);
        },
        writeAll(text) {
          keep(text);
          return stdout.writeAll(text);
        },
      };
    },
    seal: (files, report) => guarded(() => writeRest(files, report)),
  };
}

/**
 * Every string of a JSON value through the redactor, one at a time: a structure's own names ("Key" in a Cost
 * Explorer grouping) are not `name: value` text, so the patterns must not see the serialised whole.
 */
function redactStrings(value: unknown, clean: (text: string) => string): unknown {
  const plain: unknown = JSON.parse(JSON.stringify(value ?? null));
  const walk = (v: unknown): unknown =>
    typeof v === "string" ? clean(v) : Array.isArray(v) ? v.map(walk) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : v;
  return walk(plain);
}

/** The usage rows as read, one JSON object a line, in the order the estimate took them. */
async function writeUsage(path: string, rows: UsageRows): Promise<void> {
  const fd = openSync(path, "wx");
  try {
    let pending = "";
    for await (const r of rows()) {
      pending += `${JSON.stringify(r)}\n`;
      if (pending.length >= 65_536) {
        writeSync(fd, pending);
        pending = "";
      }
    }
    writeSync(fd, pending);
  } finally {
    closeSync(fd);
  }
}
