import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { binPath } from "../helpers/run-cli.js";

/**
 * The demo report in a real terminal: tmux gives the CLI a pseudo-terminal of a chosen width, and its scrollback,
 * captured with wrapped lines joined (-J), shows whether any line was longer than the terminal.
 */
const hasTmux = spawnSync("tmux", ["-V"]).status === 0;
const dir = mkdtempSync(join(tmpdir(), "ct-tmux-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const shellQuote = (s: string): string => `'${s.replaceAll("'", `'\\''`)}'`;

async function renderIn(width: number): Promise<string> {
  const socket = join(dir, `tmux-${width}`);
  const tmux = (...args: string[]): string => execFileSync("tmux", ["-S", socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
  const command = [
    "env",
    `HOME=${dir}`,
    "AWS_EC2_METADATA_DISABLED=true",
    `PATH=${process.env.PATH ?? "/usr/bin:/bin"}`,
    process.execPath,
    binPath,
    "--demo",
    "--since",
    "2026-11-01",
    "--until",
    "2026-11-30",
    "--out",
    join(dir, `out-${width}`),
    "--quiet",
  ]
    .map(shellQuote)
    .join(" ");
  tmux("new-session", "-d", "-x", String(width), "-y", "50", `${command}; echo __END__; sleep 120`);
  try {
    tmux("set-option", "-g", "history-limit", "5000");
    // A generous bound: the run takes about a second on an idle machine.
    const deadline = Date.now() + 30_000;
    let screen = "";
    while (Date.now() < deadline) {
      screen = tmux("capture-pane", "-p", "-J", "-S", "-", "-E", "-");
      if (screen.includes("__END__")) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(screen).toContain("__END__");
    return screen.slice(0, screen.indexOf("__END__"));
  } finally {
    tmux("kill-server");
  }
}

describe.skipIf(!hasTmux)("the demo report in a terminal (tmux)", () => {
  for (const width of [80, 120]) {
    it(`at ${width} columns: no line longer than the terminal, no table row wrapped`, async () => {
      const screen = await renderIn(width);
      const lines = screen.split("\n");
      expect(screen).toContain("CO2e by region and instance type");
      expect(screen).toContain("Intensity provenance per region");
      for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(width);
      // Every line of a table is framed on both sides: a row the terminal wrapped would not be.
      for (const line of lines.filter((l) => /^[│┌└]/.test(l))) expect(line.trimEnd(), line).toMatch(/[│┐┘]$/);
    }, 60_000);
  }
});
