import { describe, it } from "vitest";
import { expectRefused, type BadInputCase } from "../helpers/bad-input.js";

/** AWS credentials that name AWS without any request being made: the refusal comes first. */
const aws = { AWS_ACCESS_KEY_ID: "AKIAFAKETESTKEY00001", AWS_SECRET_ACCESS_KEY: "fake-secret", AWS_REGION: "us-east-1", AWS_EC2_METADATA_DISABLED: "true" };

const cases: BadInputCase[] = [
  { name: "an empty tag name", args: ["--demo", "--group-by", "tag:"], message: /--group-by "tag:" names no tag: give tag:NAME, e\.g\. tag:team/ },
  { name: "an empty cost category", args: ["--demo", "--group-by", "cost-category:"], message: /names no cost-category/ },
  { name: "an unknown prefix", args: ["--demo", "--group-by", "label:team"], message: /--group-by "label:team" names no known kind of group: give tag:NAME, account or cost-category:NAME/ },
  { name: "a bare word", args: ["--demo", "--group-by", "team"], message: /names no known kind of group/ },
  { name: "a name with a quote", args: ["--demo", "--group-by", "tag:te'am"], message: /is not a tag name/ },
  { name: "punctuation alone", args: ["--demo", "--group-by", "tag:--"], message: /is not a tag name/ },
  { name: "two keys on one column", args: ["--demo", "--group-by", "tag:cost-center", "--group-by", "tag:cost_center"], message: /would both be column tag_cost_center/ },
  { name: "five keys", args: ["--demo", ...["a", "b", "c", "d", "e"].flatMap((k) => ["--group-by", `tag:${k}`])], message: /gives 5 keys: at most 4 in one run/ },
  {
    name: "two tags for Cost Explorer",
    args: ["--providers", "aws", "--group-by", "tag:team", "--group-by", "tag:project"],
    env: aws,
    message: /--group-by tag:team, tag:project: AWS Cost Explorer groups by at most 2 keys and usage type takes one, so aws answers at most 1 tag or cost category per run/,
  },
  {
    name: "two tags for the Azure Query API",
    args: ["--providers", "azure", "--group-by", "tag:team", "--group-by", "tag:project", "--group-by", "cost-category:env"],
    env: { AZURE_SUBSCRIPTION_ID: "00000000-0000-0000-0000-000000000001" },
    message: /--group-by tag:team, tag:project: the Azure Query API groups by at most 2 keys and the meter takes one, so azure answers at most 1 tag per run/,
  },
  { name: "a group budget for a key not grouped by", args: ["--demo", "--budget", "team=ml-research:500"], message: /--budget "team=ml-research:500": "team" is not a --group-by key of this run: add --group-by tag:team/ },
  { name: "a group budget without a value", args: ["--demo", "--group-by", "tag:team", "--budget", "team=:500"], message: /is not NAME=VALUE:KG/ },
  { name: "a group budget without kg", args: ["--demo", "--group-by", "tag:team", "--budget", "team=ml-research:lots"], message: /is not a positive number of kg/ },
  { name: "two window budgets", args: ["--demo", "--budget", "500", "--budget", "20/day"], message: /--budget was given twice for the whole window/ },
  { name: "the environment's key", args: ["--demo"], env: { CARBON_TRACK_GROUP_BY: "tag:" }, message: /^carbon-track: CARBON_TRACK_GROUP_BY: --group-by "tag:" names no tag/ },
  {
    name: "the config's groupBy",
    args: ["--demo", "--config", "$DIR/c.json"],
    files: { "c.json": JSON.stringify({ groupBy: ["project"] }) },
    message: /config groupBy "project" names no known kind of group/,
  },
  {
    name: "a tag alias for a provider that does not exist",
    args: ["--demo", "--config", "$DIR/c.json", "--group-by", "tag:team"],
    files: { "c.json": JSON.stringify({ tagAliases: { team: { oci: "Team" } } }) },
    message: /tagAliases/,
  },
  {
    name: "a config group budget that is not kg",
    args: ["--demo", "--config", "$DIR/c.json", "--group-by", "tag:team"],
    files: { "c.json": JSON.stringify({ groupBudgets: { team: { vision: "much" } } }) },
    message: /config groupBudgets\.team\.vision "much" is not a positive number of kg/,
  },
];

describe("--group-by and group budgets: bad input is exit 2, one line, nothing created", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    await expectRefused(c);
  });
});
