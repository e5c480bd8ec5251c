import { UsageError } from "../errors.js";
import type { Redactor } from "../text/redact.js";
import { run, type RunDeps } from "../pipeline/run.js";

/**
 * Subcommands are words that cannot be a number of days; anything else is the main job. Each command is its own
 * module, loaded only when asked for.
 */
export async function dispatch(deps: RunDeps, redactor: Redactor): Promise<number> {
  const [first, second] = deps.argv;
  if (first === "report") return (await import("../commands/report.js")).report({ ...deps, argv: deps.argv.slice(1) }, redactor);
  if (first === "reconcile") return (await import("../commands/reconcile.js")).reconcile({ ...deps, argv: deps.argv.slice(1) }, redactor);
  if (first === "verify") return (await import("../commands/verify.js")).verify({ ...deps, argv: deps.argv.slice(1) });
  if (first === "replay") return (await import("../commands/replay.js")).replay({ ...deps, argv: deps.argv.slice(1) }, redactor);
  if (first === "completion") return (await import("../commands/completion.js")).completion({ ...deps, argv: deps.argv.slice(1) });
  if (first === "ledger") {
    if (second === "export") return (await import("../commands/ledger-export.js")).ledgerExport({ ...deps, argv: deps.argv.slice(2) }, redactor);
    throw new UsageError(`ledger: unknown command "${second ?? ""}": use carbon-track ledger export --ledger DIR --format csv|parquet --out FILE`);
  }
  return run(deps, redactor);
}
