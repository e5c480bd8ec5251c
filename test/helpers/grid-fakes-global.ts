import { startFakeGbCarbon } from "../fakes/gb-carbon.js";

/**
 * Vitest global setup: one GB Carbon Intensity fake for the whole suite. The GB source needs no key, so any CLI run
 * whose usage or suggestion candidates include a London region would ask it: every child process a test starts is
 * pointed here (offlineGridEnv), so no test reaches the real service.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const fake = await startFakeGbCarbon();
  process.env.CARBON_TRACK_TEST_GB_CARBON_URL = fake.url;
  return () => fake.close();
}
