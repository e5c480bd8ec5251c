import { afterEach, describe, expect, it } from "vitest";
import { parseGroupKey } from "../../src/attribution/keys.js";
import { gcpSource } from "../../src/sources/gcp/index.js";
import { loadAggregateFixture, startBigQueryFake, type BigQueryFake } from "../fakes/bigquery.js";
import type { ExportLine } from "../fakes/bigquery-sql.js";
import { aggregateFixture, gcpContext, gcpTestEnv } from "../sources/gcp/harness.js";
import { collapse, hoursBy } from "./truth.js";

const spec = (machine: string, cores: number) => [
  { key: "compute.googleapis.com/machine_spec", value: machine },
  { key: "compute.googleapis.com/cores", value: String(cores) },
];
const line = (o: Partial<ExportLine> & Pick<ExportLine, "usage_start_time" | "sku" | "usage">): ExportLine => ({
  project: { id: "ml-a", labels: [{ key: "team", value: "ml-research" }, { key: "cost-center", value: "cc-1" }] },
  location: { region: "us-central1" },
  service: { description: "Compute Engine" },
  labels: [],
  system_labels: [],
  ...o,
});
const a3Core = { description: "A3 Instance Core running in Americas" };
const t4 = { description: "Nvidia Tesla T4 GPU running in Americas" };
const vision = { id: "vision", labels: [] };

/**
 * Export lines: a resource label wins over its project's label, and lines carry several labels each (an UNNEST in the
 * FROM clause would count them once per label); a GPU without labels in a project without them is untagged.
 */
const lines: ExportLine[] = [
  line({ usage_start_time: "2026-10-01T00:00:00Z", sku: a3Core, usage: { unit: "seconds", amount: 208 * 3600 * 10 }, system_labels: spec("a3-highgpu-8g", 208), labels: [{ key: "env", value: "prod" }, { key: "goog-k8s-cluster-name", value: "train" }] }),
  line({ usage_start_time: "2026-10-01T05:00:00Z", sku: a3Core, usage: { unit: "seconds", amount: 208 * 3600 * 2 }, system_labels: spec("a3-highgpu-8g", 208), labels: [{ key: "team", value: "search" }, { key: "env", value: "dev" }] }),
  line({ usage_start_time: "2026-10-01T05:00:00Z", sku: { description: "A3 Instance Ram running in Americas" }, usage: { unit: "byte-seconds", amount: 1e12 }, system_labels: spec("a3-highgpu-8g", 208) }),
  line({ usage_start_time: "2026-10-02T03:00:00Z", project: vision, location: { region: "us-east1" }, sku: t4, usage: { unit: "seconds", amount: 3600 * 5 }, labels: [{ key: "team", value: "vision" }, { key: "app", value: "ocr" }] }),
  line({ usage_start_time: "2026-10-02T09:00:00Z", project: vision, location: { region: "us-east1" }, sku: t4, usage: { unit: "seconds", amount: 3600 * 3 } }),
];

/** By hand: day project region type team cluster → hours. */
const truth: Record<string, number> = {
  "2026-10-01 ml-a us-central1 a3-highgpu-8g ml-research train": 10,
  "2026-10-01 ml-a us-central1 a3-highgpu-8g search (untagged)": 2,
  "2026-10-02 vision us-east1 nvidia-tesla-t4 vision (untagged)": 5,
  "2026-10-02 vision us-east1 nvidia-tesla-t4 (untagged) (untagged)": 3,
};

let fake: BigQueryFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

describe("GCP attribution: the BigQuery fake runs the project's label SQL", () => {
  it("hours per label × project × region × type × day equal the truth and add up to the ungrouped hours", async () => {
    fake = await startBigQueryFake({ fixture: loadAggregateFixture(aggregateFixture), lines });
    const env = gcpTestEnv(fake.url);
    const keys = [parseGroupKey("tag:team", {}), parseGroupKey("tag:goog-k8s-cluster-name", {})];
    const grouped = await gcpSource.fetch(gcpContext(env, { groupKeys: keys }));
    const plain = await gcpSource.fetch(gcpContext(env));
    expect(fake.sqlProblems.flat()).toEqual([]);
    expect(hoursBy(grouped.records, keys.map((k) => k.id))).toEqual(truth);
    expect(collapse(truth)).toEqual(hoursBy(plain.records, []));
    expect(collapse(truth)).toEqual({
      "2026-10-01 ml-a us-central1 a3-highgpu-8g": 12,
      "2026-10-02 vision us-east1 nvidia-tesla-t4": 8,
    });

    // The label names travel as STRING parameters; the SQL reads them from labels, project.labels and system_labels.
    const query = fake.calls.find((c) => c.body?.query && String(c.body.query).includes("label_1"))!.body!;
    expect(query.queryParameters).toEqual(
      expect.arrayContaining([
        { name: "label_0", parameterType: { type: "STRING" }, parameterValue: { value: "team" } },
        { name: "label_1", parameterType: { type: "STRING" }, parameterValue: { value: "goog-k8s-cluster-name" } },
      ]),
    );
    expect(String(query.query)).not.toMatch(/goog-k8s|'team'/);
    for (const array of ["labels", "project.labels", "system_labels"]) expect(String(query.query)).toContain(`UNNEST(${array}) AS l WHERE l.key = @label_0 LIMIT 1`);
  });

  it("an alias names the GCP label; without --group-by the SQL has no label column", async () => {
    fake = await startBigQueryFake({ fixture: loadAggregateFixture(aggregateFixture), lines });
    const env = gcpTestEnv(fake.url);
    const aliased = await gcpSource.fetch(gcpContext(env, { groupKeys: [parseGroupKey("tag:owner", { owner: { gcp: "team" } })] }));
    expect(Object.values(hoursBy(aliased.records, ["tag:owner"])).reduce((a, b) => a + b, 0)).toBe(20);
    expect(aliased.records.find((r) => r.tags?.["tag:owner"] === "search")?.quantity).toBe(2);
    await gcpSource.fetch(gcpContext(env));
    expect(String(fake.calls.filter((c) => c.body?.query).at(-1)!.body!.query)).not.toContain("label_0");
  });
});
