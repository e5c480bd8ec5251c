import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const load = (path: string): any => parse(readFileSync(new URL(`../${path}`, import.meta.url), "utf8"));

describe("GitHub Action", () => {
  const action = load("action.yml");

  it("is a composite action that installs, runs carbon-track and uploads the CSVs", () => {
    expect(action.name).toBe("carbon-track");
    expect(action.runs.using).toBe("composite");
    for (const input of ["days", "providers", "budget", "format"]) expect(action.inputs).toHaveProperty(input);
    for (const [name, spec] of Object.entries<any>(action.inputs)) {
      expect(typeof spec.description, name).toBe("string");
      if ("default" in spec) expect(typeof spec.default, name).toBe("string");
    }
    const steps: any[] = action.runs.steps;
    for (const s of steps) if (s.run) expect(s.shell, s.name).toBe("bash");
    const uses = steps.map((s) => s.uses).filter(Boolean);
    expect(uses).toContain("actions/setup-node@v4");
    expect(uses).toContain("actions/upload-artifact@v4");
    expect(steps.some((s) => /npm ci/.test(s.run ?? "") && s["working-directory"] === "${{ github.action_path }}")).toBe(true);
    expect(steps.some((s) => /bin\/carbon-track\.js/.test(s.run ?? ""))).toBe(true);
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
