import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Bounds against hanging, not speed tests: on a loaded 2-core machine a CLI child process can take seconds to start.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests start loopback fakes and child processes; two workers match the 2-core machines this runs on.
    maxWorkers: 2,
    // The JSON report lets .ci/run print a plain "N passed, N failed" line that any CI reader understands.
    // One GB Carbon Intensity fake for every CLI child process: the keyless source must never reach the real service.
    globalSetup: ["test/helpers/grid-fakes-global.ts"],
    reporters: ["default", "json"],
    outputFile: { json: ".vitest/results.json" },
    env: {
      // Belt and braces: no SDK credential chain may reach a metadata address from a test.
      AWS_EC2_METADATA_DISABLED: "true",
      METADATA_SERVER_DETECTION: "none",
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    },
  },
});
