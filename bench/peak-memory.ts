import { writeFileSync } from "node:fs";

/**
 * Runs the CLI's bin in this process and, when the process exits, writes its peak RSS (from the kernel's
 * rusage, exact) and the highest heapUsed sampled every 10 ms to the file named by BENCH_PEAK_FILE.
 * Usage: node peak-memory.js <bin> <args…>
 */
export interface Peak {
  maxRssBytes: number;
  maxHeapUsedBytes: number;
  wallMs: number;
  /** User + system CPU time of the process (all its threads). */
  cpuMs: number;
}

const started = performance.now();
let maxHeapUsedBytes = 0;
const sample = (): void => {
  maxHeapUsedBytes = Math.max(maxHeapUsedBytes, process.memoryUsage().heapUsed);
};
setInterval(sample, 10).unref();
process.on("exit", () => {
  sample();
  const use = process.resourceUsage();
  const peak: Peak = { maxRssBytes: use.maxRSS * 1024, maxHeapUsedBytes, wallMs: performance.now() - started, cpuMs: (use.userCPUTime + use.systemCPUTime) / 1000 };
  writeFileSync(process.env.BENCH_PEAK_FILE!, JSON.stringify(peak));
});

const [bin, ...args] = process.argv.slice(2);
process.argv = [process.argv[0]!, bin!, ...args];
await import(bin!);
