/**
 * What counts as GPU usage in the Compute Engine part of the billing export (PROVIDERS.md, "GCP billing export").
 *
 * Accelerator-optimized machines bundle their GPUs: A2 (A100), A3 (H100, H200) and G2 (L4). Their GPU lines
 * carry no machine type, so they are counted as instance-hours of the machine type taken from their core lines,
 * and their GPU lines (A100, H100, L4 SKUs) are deliberately not matched below: counting both would double them.
 */
export const ACCELERATOR_MACHINE_FAMILIES = ["a2", "a3", "g2"] as const;

/**
 * GPUs attached to N1 machines, billed per GPU. Keys are the model as the SKU description names it
 * (`Nvidia Tesla T4 GPU running in Americas`, `… GPU attached to Spot Preemptible VMs …`); values are the
 * catalog's gpu-hour instance types. No key is a prefix of another followed by " GPU", so order does not matter.
 */
export const ATTACHED_GPU_TYPES: Readonly<Record<string, string>> = {
  T4: "nvidia-tesla-t4",
  V100: "nvidia-tesla-v100",
  P100: "nvidia-tesla-p100",
  P4: "nvidia-tesla-p4",
};

/** The catalog type for the model the query extracted (upper-cased), or undefined. */
export function attachedGpuType(model: string): string | undefined {
  return ATTACHED_GPU_TYPES[model.toUpperCase()];
}

/**
 * The machine type label of an N1 VM, the only family GPUs attach to: predefined (`n1-standard-8`) or custom
 * (`custom-8-30720`, N1 being the default family of custom types).
 */
export const N1_MACHINE = String.raw`^(n1-|custom-)`;

/**
 * The most vCPUs an N1 VM may have per attached GPU of each model (cloud.google.com/compute/docs/gpus, "GPU
 * models": e.g. 1 T4 with up to 48 vCPUs, 1 V100 with up to 12). N1 core hours beyond GPU-hours × this in a
 * project, region and period belong to VMs without GPUs and are left out (docs/gcp.md).
 */
export const N1_MAX_VCPUS_PER_GPU: Readonly<Record<string, number>> = {
  "nvidia-tesla-t4": 48,
  "nvidia-tesla-v100": 12,
  "nvidia-tesla-p100": 16,
  "nvidia-tesla-p4": 24,
};
