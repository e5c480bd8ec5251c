import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";

/** The file a run reads its config from when it names none: the project's, then the user's. */
export const projectConfigName = "carbon-track.config.json";

/**
 * `carbon-track.config.json` in the working directory, then `$XDG_CONFIG_HOME/carbon-track/config.json`
 * (`~/.config` when XDG_CONFIG_HOME is unset or not absolute, as the XDG spec says). Null when neither exists.
 */
export function discoverConfig(env: NodeJS.ProcessEnv, cwd: string): string | null {
  const project = resolve(cwd, projectConfigName);
  if (existsSync(project)) return project;
  const xdg = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(env.HOME || env.USERPROFILE || homedir(), ".config");
  const user = join(xdg, "carbon-track", "config.json");
  return existsSync(user) ? user : null;
}
