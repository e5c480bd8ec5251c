import { fileURLToPath } from "node:url";
import { join } from "node:path";

/** The package's own config/ directory (shipped data files), wherever the package is installed. */
export const packageConfigDir = fileURLToPath(new URL("../../config/", import.meta.url));

export const packageDataFile = (name: string): string => join(packageConfigDir, name);
