// The CUR 2.0 fixture by hand: p4d 10-01 = 1 + 1 (Usage) + 1 (RI); its RI fee, the unused reservation, tax, data
// transfer and m5 are out; 10-02 = 1 - 0.5 (the negative row nets); SP-covered g5 1 h (negation dropped); Spot
// g5.12xlarge 1 h from the usage type; SageMaker 2 h; g5 i-0006 billed twice in one hour counts 1 h.
/** GPU hours per provider|account|region|type|day of test/fixtures/exports/cur2-traps.*, worked out by hand. */
export const curTruth = {
  "aws|111122223333|us-east-1|p4d.24xlarge|2026-10-01": 3,
  "aws|111122223333|us-east-1|p4d.24xlarge|2026-10-02": 0.5,
  "aws|111122223333|us-east-1|p4d.24xlarge|2026-10-03": 1,
  "aws|111122223333|us-east-1|ml.g5.xlarge|2026-10-02": 2,
  "aws|444455556666|us-west-2|g5.xlarge|2026-10-01": 1,
  "aws|444455556666|us-west-2|g5.xlarge|2026-10-02": 1,
  "aws|444455556666|us-west-2|g5.12xlarge|2026-10-01": 1,
};
