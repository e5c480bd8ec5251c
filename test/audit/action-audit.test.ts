import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../helpers/run-cli.js";

const action = parse(readFileSync(join(repoRoot, "action.yml"), "utf8"));
const steps: { name: string; uses?: string; if?: string; with?: Record<string, string>; env?: Record<string, string> }[] = action.runs.steps;

describe("the GitHub Action's evidence pack", () => {
  it("passes the audit input as --audit, uploads the pack, and attests its manifest only when asked", () => {
    expect(action.inputs.audit.default).toBe("");
    expect(action.inputs.attest.default).toBe("false");
    expect(steps.find((s) => s.name === "Run carbon-track")!.env!.CT_AUDIT).toBe("${{ inputs.audit }}");
    expect(readFileSync(join(repoRoot, "action/run.mjs"), "utf8")).toMatch(/\["AUDIT", "--audit"\]/);
    const upload = steps.find((s) => s.name === "Upload the evidence pack")!;
    expect(upload.with!.path).toBe("${{ inputs.audit }}");
    const attest = steps.find((s) => s.name === "Attest the evidence pack")!;
    expect(attest.uses).toMatch(/^actions\/attest-build-provenance@[0-9a-f]{40}$/);
    expect(attest.with).toEqual({ "subject-path": "${{ inputs.audit }}/manifest.json" });
    expect(attest.if).toMatch(/inputs\.attest == 'true'/);
    // Before the step that fails the job: a budget overrun (4) still uploads and attests its pack.
    expect(steps.indexOf(attest)).toBeLessThan(steps.findIndex((s) => s.name === "Fail the job on carbon-track's exit code"));
  });
});
