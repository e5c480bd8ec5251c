/**
 * The environment that keeps a CLI child process off the real grid-signal services: the keyless GB Carbon Intensity
 * source points at the suite's loopback fake (grid-fakes-global.ts). EIA and Electricity Maps need keys that tests
 * only set together with their own fakes.
 */
export const offlineGridEnv = (): Record<string, string> => ({
  CARBON_TRACK_GB_CARBON_URL: process.env.CARBON_TRACK_TEST_GB_CARBON_URL ?? "http://127.0.0.1:9",
});
