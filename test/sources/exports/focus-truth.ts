// The FOCUS fixtures by hand (test/fixtures/exports/README.md says what each holds). The 1.0 sample's ten AWS GPU
// rows are its only GPU time: Oracle, the Azure ML D11 meters and the negative non-GPU rows are out; the instance
// type is only in ChargeDescription. Spec scenario 3 keeps its Used hour; the zero-utilisation example keeps 1 h
// where a naive sum of ConsumedQuantity gives 2 h (its Unused row carries 1 h). Scenario 4 (overage): the Committed
// and the Standard row of one resource-hour count 1 h, plus Spot and a correction; the unused reservation is out.
const a = "aws|11353890204|us-east-1";
const specKey = "aws|111122223333|us-east-1|p4d.24xlarge|2023-01-01";

/** GPU hours per provider|account|region|type|day of each FOCUS fixture, worked out by hand. */
export const focusTruth = {
  "focus-1.0-sample-cut.csv": {
    [`${a}|g3.4xlarge|2024-09-24`]: 1,
    [`${a}|g3.4xlarge|2024-09-30`]: 0.686667,
    [`${a}|g5.4xlarge|2024-09-12`]: 1,
    [`${a}|g5.4xlarge|2024-09-13`]: 0.683889,
    [`${a}|g5.4xlarge|2024-09-20`]: 0.303056,
    [`${a}|g5.4xlarge|2024-09-21`]: 0.296111,
    [`${a}|g5.4xlarge|2024-09-22`]: 1,
    [`${a}|g5.4xlarge|2024-09-24`]: 1,
    [`${a}|g5.4xlarge|2024-09-27`]: 1,
    [`${a}|g5.4xlarge|2024-09-29`]: 1,
  },
  "focus-1.2-scenario-3-gpu.csv": { [specKey]: 1 },
  "focus-1.2-zero-utilization-gpu.csv": { [specKey]: 1 },
  "focus-1.2-overage-gpu.csv": { "aws|111122223333|us-east-1|p5.48xlarge|2026-10-05": 2.25 },
  "focus-1.0-azure-gcp.csv": {
    "azure|3f2c8a91-5d0e-4c7b-9a61-2e8f4b7d1c05|eastus|Standard_NC24ads_A100_v4|2026-10-05": 32,
    "gcp|vision-serving|us-east1|nvidia-tesla-t4|2026-10-05": 12,
  },
} as const;
