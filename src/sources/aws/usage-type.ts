/**
 * Cost Explorer usage types: `[<prefix>-]<kind>:<instance type>`, e.g. `BoxUsage:p5.48xlarge` (us-east-1, which
 * EC2 bills without a prefix), `USW2-SpotUsage:g5.12xlarge`, `EU-BoxUsage:p4d.24xlarge`,
 * `USE1-Train:ml.p4d.24xlarge` (SageMaker keeps its prefix even in us-east-1).
 */

/** Billing prefixes of the commercial and GovCloud regions. A prefix not listed is reported, never guessed. */
const regionByPrefix: ReadonlyMap<string, string> = new Map([
  ["USE1", "us-east-1"],
  ["USE2", "us-east-2"],
  ["USW1", "us-west-1"],
  ["USW2", "us-west-2"],
  ["CAN1", "ca-central-1"],
  ["CAN2", "ca-west-1"],
  ["MXC1", "mx-central-1"],
  ["SAE1", "sa-east-1"],
  // eu-west-1 kept EC2's original prefix; some services write EUW1.
  ["EU", "eu-west-1"],
  ["EUW1", "eu-west-1"],
  ["EUW2", "eu-west-2"],
  ["EUW3", "eu-west-3"],
  ["EUC1", "eu-central-1"],
  ["EUC2", "eu-central-2"],
  ["EUN1", "eu-north-1"],
  ["EUS1", "eu-south-1"],
  ["EUS2", "eu-south-2"],
  ["APN1", "ap-northeast-1"],
  ["APN2", "ap-northeast-2"],
  ["APN3", "ap-northeast-3"],
  ["APS1", "ap-southeast-1"],
  ["APS2", "ap-southeast-2"],
  ["APS3", "ap-south-1"],
  ["APS4", "ap-southeast-3"],
  ["APS5", "ap-south-2"],
  ["APS6", "ap-southeast-4"],
  ["APS7", "ap-southeast-5"],
  ["APE1", "ap-east-1"],
  ["MES1", "me-south-1"],
  ["MEC1", "me-central-1"],
  ["ILC1", "il-central-1"],
  ["AFS1", "af-south-1"],
  ["UGW1", "us-gov-west-1"],
  ["UGE1", "us-gov-east-1"],
]);

/** A usage type without a prefix is us-east-1: AWS's first region never got one for EC2. */
const unprefixedRegion = "us-east-1";

export type ParsedUsageType =
  | { ok: true; region: string; kind: string; instanceType: string }
  | { ok: false; reason: "not-an-instance" | "unknown-prefix"; prefix?: string };

/** Region prefixes are upper-case letters and digits; kinds (`BoxUsage`, `Train`) are mixed case. */
const prefixPattern = /^[A-Z]{2,4}\d?$/;

/** `extraPrefixes`: aws.regionPrefixes from the config, for a region newer than the table above. */
export function parseUsageType(usageType: string, extraPrefixes?: Readonly<Record<string, string>>): ParsedUsageType {
  const colon = usageType.indexOf(":");
  if (colon <= 0 || colon === usageType.length - 1) return { ok: false, reason: "not-an-instance" };
  const head = usageType.slice(0, colon);
  const instanceType = usageType.slice(colon + 1);
  const dash = head.indexOf("-");
  const candidate = dash > 0 ? head.slice(0, dash) : "";
  if (!prefixPattern.test(candidate)) return { ok: true, region: unprefixedRegion, kind: head, instanceType };
  const region = regionByPrefix.get(candidate) ?? (extraPrefixes && Object.hasOwn(extraPrefixes, candidate) ? extraPrefixes[candidate] : undefined);
  if (region === undefined) return { ok: false, reason: "unknown-prefix", prefix: candidate };
  return { ok: true, region, kind: head.slice(dash + 1), instanceType };
}

/**
 * Accelerated families by name: NVIDIA/AMD GPU (p, g, gr), Trainium, Inferentia and Gaudi (dl). Used to keep a
 * GPU type the catalog does not know yet (its row is flagged downstream) instead of dropping its hours.
 */
const acceleratedFamily = /^(p|g|gr|trn|inf|dl)\d[a-z0-9-]*\./;

export function looksAccelerated(instanceType: string): boolean {
  return acceleratedFamily.test(instanceType.startsWith("ml.") ? instanceType.slice(3) : instanceType);
}
