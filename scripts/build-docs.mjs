// Run by `npm run build` after tsc: writes bin/help.txt and man/carbon-track.1 from the option table
// (src/cli/option-defs.ts), so --help, the man page, the completions and the parser cannot drift apart.
import { mkdirSync, writeFileSync } from "node:fs";
import { renderHelp } from "../dist/cli/help-text.js";
import { renderManPage } from "../dist/cli/man-page.js";

const root = new URL("../", import.meta.url);
writeFileSync(new URL("bin/help.txt", root), renderHelp());
mkdirSync(new URL("man/", root), { recursive: true });
writeFileSync(new URL("man/carbon-track.1", root), renderManPage());

// The config file's JSON Schema, from the zod schema the run validates with; shipped in config/ and named by a
// config's "$schema" (docs: README "Configuration").
const { UserConfig } = await import("../dist/config/user-config.js");
const { toJsonSchema } = await import("../dist/config/json-schema.js");
const schema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "carbon-track config",
  ...toJsonSchema(UserConfig),
};
writeFileSync(new URL("config/carbon-track.schema.json", root), `${JSON.stringify(schema, null, 1)}\n`);
