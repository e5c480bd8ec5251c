import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";

/**
 * Headless Chromium driven over the Chrome DevTools Protocol. The protocol runs on the pipe Chromium offers
 * (--remote-debugging-pipe: JSON messages ended by NUL on fds 3 and 4), so no port is opened and no WebSocket
 * client is needed. Every lookup name resolves to nothing: the browser cannot reach past this machine even if
 * a page asks it to, and any such request still shows in the page's Network events.
 */

/** The browser on PATH (Debian's `chromium`, installed by .ci/run), or null. */
export function findChromium(): string | null {
  for (const name of ["chromium", "chromium-browser", "google-chrome"]) {
    if (spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).status === 0) return name;
  }
  return null;
}

type Message = { id?: number; method?: string; params?: any; result?: any; error?: { message: string }; sessionId?: string };

export interface PageVisit {
  /** Console errors, uncaught exceptions and error log entries (a blocked request logs one). */
  errors: string[];
  /** Every URL the page asked for besides the document itself. */
  requests: string[];
  /** The value of `expression`, evaluated after the load event. */
  value: unknown;
  /** A PNG of the whole page at the given width. */
  png: Buffer;
  /** The page printed to PDF (A4), as a person would save it. */
  pdf: Buffer;
}

export class Browser {
  private next = 1;
  private pending = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  private listeners: ((m: Message) => void)[] = [];
  private buffer = "";

  private constructor(
    private readonly child: ChildProcess,
    private readonly profile: string,
  ) {
    const out = child.stdio[4] as Readable;
    out.on("data", (chunk: Buffer) => {
      this.buffer += chunk.toString("utf8");
      let end: number;
      while ((end = this.buffer.indexOf("\0")) >= 0) {
        const m = JSON.parse(this.buffer.slice(0, end)) as Message;
        this.buffer = this.buffer.slice(end + 1);
        if (m.id !== undefined && this.pending.has(m.id)) {
          const p = this.pending.get(m.id)!;
          this.pending.delete(m.id);
          if (m.error) p.reject(new Error(m.error.message));
          else p.resolve(m);
        } else for (const l of this.listeners) l(m);
      }
    });
    child.on("exit", () => {
      for (const p of this.pending.values()) p.reject(new Error("chromium exited"));
      this.pending.clear();
    });
  }

  static launch(binary: string): Browser {
    const profile = mkdtempSync(join(tmpdir(), "ct-chromium-"));
    const child = spawn(
      binary,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--remote-debugging-pipe",
        `--user-data-dir=${profile}`,
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "about:blank",
      ],
      { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] },
    );
    return new Browser(child, profile);
  }

  send(method: string, params: object = {}, sessionId?: string): Promise<any> {
    const id = this.next++;
    const message = JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: (m) => resolve(m.result), reject });
      (this.child.stdio[3] as Writable).write(`${message}\0`);
    });
  }

  /**
   * Opens `url` in a fresh tab 1200 px wide (in the colour scheme given), waits for its load event, evaluates
   * `expression`, takes a screenshot and prints it.
   */
  async visit(url: string, expression: string, colorScheme: "light" | "dark" = "light"): Promise<PageVisit> {
    const { targetId } = await this.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await this.send("Target.attachToTarget", { targetId, flatten: true });
    const errors: string[] = [];
    const requests: string[] = [];
    let loaded!: () => void;
    const load = new Promise<void>((resolve) => (loaded = resolve));
    const listener = (m: Message): void => {
      if (m.sessionId !== sessionId) return;
      const p = m.params;
      if (m.method === "Runtime.consoleAPICalled" && (p.type === "error" || p.type === "assert")) errors.push(`console: ${JSON.stringify(p.args)}`);
      if (m.method === "Runtime.exceptionThrown") errors.push(`exception: ${p.exceptionDetails.text}`);
      if (m.method === "Log.entryAdded" && p.entry.level === "error") errors.push(`log: ${p.entry.text}`);
      if (m.method === "Network.requestWillBeSent" && p.request.url !== url) requests.push(p.request.url);
      if (m.method === "Page.loadEventFired") loaded();
    };
    this.listeners.push(listener);
    try {
      for (const domain of ["Runtime", "Log", "Network", "Page"]) await this.send(`${domain}.enable`, {}, sessionId);
      await this.send("Emulation.setDeviceMetricsOverride", { width: 1200, height: 900, deviceScaleFactor: 1, mobile: false }, sessionId);
      await this.send("Emulation.setEmulatedMedia", { features: [{ name: "prefers-color-scheme", value: colorScheme }] }, sessionId);
      await this.send("Page.navigate", { url }, sessionId);
      await load;
      const evaluated = await this.send("Runtime.evaluate", { expression, returnByValue: true }, sessionId);
      const shot = await this.send("Page.captureScreenshot", { format: "png", captureBeyondViewport: true }, sessionId);
      const printed = await this.send("Page.printToPDF", { paperWidth: 8.27, paperHeight: 11.69 }, sessionId);
      await this.send("Target.closeTarget", { targetId });
      return { errors, requests, value: evaluated.result.value, png: Buffer.from(shot.data, "base64"), pdf: Buffer.from(printed.data, "base64") };
    } finally {
      this.listeners = this.listeners.filter((l) => l !== listener);
    }
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once("exit", resolve));
    if (this.child.exitCode === null) {
      await this.send("Browser.close").catch(() => undefined);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (this.child.exitCode === null) this.child.kill("SIGKILL");
    }
    rmSync(this.profile, { recursive: true, force: true });
  }
}
