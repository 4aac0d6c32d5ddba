// Debian's headless Chromium driven over the Chrome DevTools Protocol through
// --remote-debugging-pipe (fd 3 in, fd 4 out, NUL-separated JSON): no port, no WebSocket,
// nothing downloaded. Just what the browser tests need: contexts, tabs, evaluation, events.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/** @typedef {{method: string, params: any, sessionId?: string}} CDPEvent */

export class Browser {
  /**
   * Starts Chromium headless with a throwaway profile.
   * @param {string[]} extraArgs e.g. --host-resolver-rules
   */
  static async launch(extraArgs = []) {
    const profile = await mkdtemp(path.join(tmpdir(), "token-infra-chromium-"));
    const args = [
      "--headless", "--no-sandbox", `--user-data-dir=${profile}`, "--remote-debugging-pipe", "--no-first-run",
      "--no-default-browser-check", "--disable-gpu", "--disable-extensions", "--disable-sync", "--disable-background-networking",
      "--disable-component-update", "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
      "--disable-backgrounding-occluded-windows", "--disable-dev-shm-usage", "--mute-audio", ...extraArgs, "about:blank",
    ];
    const child = spawn(process.env.CHROMIUM || "chromium", args, { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    const browser = new Browser(child, profile, () => stderr);
    await browser.send("Browser.getVersion");
    return browser;
  }

  /** @param {import("node:child_process").ChildProcess} child @param {string} profile @param {() => string} stderr */
  constructor(child, profile, stderr) {
    this.child = child;
    this.profile = profile;
    this.stderr = stderr;
    this.nextId = 0;
    /** @type {Map<number, {resolve: (v: any) => void, reject: (e: Error) => void, method: string}>} */
    this.pending = new Map();
    /** @type {Set<(event: CDPEvent) => void>} */
    this.listeners = new Set();
    this.out = /** @type {import("node:stream").Writable} */ (child.stdio[3]);
    const input = /** @type {import("node:stream").Readable} */ (child.stdio[4]);
    input.setEncoding("utf8");
    let buffer = "";
    input.on("data", (chunk) => {
      buffer += chunk;
      for (let end = buffer.indexOf("\0"); end >= 0; end = buffer.indexOf("\0")) {
        const message = JSON.parse(buffer.slice(0, end));
        buffer = buffer.slice(end + 1);
        this.dispatch(message);
      }
    });
    child.on("exit", (code) => {
      for (const { reject, method } of this.pending.values()) reject(new Error(`chromium exited (${code}) during ${method}: ${this.stderr()}`));
      this.pending.clear();
    });
  }

  /** @param {any} message */
  dispatch(message) {
    if (message.id !== undefined) {
      const call = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (!call) return;
      if (message.error) call.reject(new Error(`${call.method}: ${message.error.message}`));
      else call.resolve(message.result);
      return;
    }
    for (const listener of this.listeners) listener(message);
  }

  /**
   * Sends one command; to a tab when sessionId is given.
   * @param {string} method @param {object} [params] @param {string} [sessionId]
   * @returns {Promise<any>}
   */
  send(method, params = {}, sessionId) {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      this.out.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + "\0");
    });
  }

  /** @param {(event: CDPEvent) => void} listener */
  on(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A new browser context: its own cookies, storage, locks and channels (like a fresh profile). */
  async context() {
    const { browserContextId } = await this.send("Target.createBrowserContext", { disposeOnDetach: true });
    return new Context(this, browserContextId);
  }

  async close() {
    await this.send("Browser.close").catch(() => {});
    await new Promise((r) => (this.child.exitCode !== null ? r(undefined) : this.child.once("exit", r)));
    await rm(this.profile, { recursive: true, force: true });
  }
}

export class Context {
  /** @param {Browser} browser @param {string} id */
  constructor(browser, id) {
    this.browser = browser;
    this.id = id;
    /** @type {Tab[]} */
    this.tabs = [];
  }

  /** Opens a tab on `url` and waits for its load event. @param {string} url */
  async open(url) {
    const { targetId } = await this.browser.send("Target.createTarget", { url: "about:blank", browserContextId: this.id });
    const { sessionId } = await this.browser.send("Target.attachToTarget", { targetId, flatten: true });
    const tab = new Tab(this.browser, targetId, sessionId);
    this.tabs.push(tab);
    await Promise.all(["Page.enable", "Network.enable", "Runtime.enable"].map((m) => tab.send(m)));
    await tab.goto(url);
    return tab;
  }

  /** The context's cookies, from the browser's own store. */
  async cookies() {
    return (await this.browser.send("Storage.getCookies", { browserContextId: this.id })).cookies;
  }

  /** @param {object[]} cookies */
  async setCookies(cookies) {
    await this.browser.send("Storage.setCookies", { cookies, browserContextId: this.id });
  }

  /** Every request the context's tabs sent, in order. */
  requests() {
    return this.tabs.flatMap((t) => t.requests).sort((a, b) => a.at - b.at);
  }

  async close() {
    for (const tab of this.tabs) tab.stop();
    await this.browser.send("Target.disposeBrowserContext", { browserContextId: this.id }).catch(() => {});
  }
}

export class Tab {
  /** @param {Browser} browser @param {string} targetId @param {string} sessionId */
  constructor(browser, targetId, sessionId) {
    this.browser = browser;
    this.targetId = targetId;
    this.sessionId = sessionId;
    /** Requests as the network saw them: @type {{at: number, method: string, url: string, headers: Record<string, string>}[]} */
    this.requests = [];
    /** @type {string[]} */
    this.errors = [];
    this.stop = browser.on((event) => {
      if (event.sessionId !== sessionId) return;
      if (event.method === "Network.requestWillBeSent") {
        const { request } = event.params;
        this.requests.push({ at: Date.now(), method: request.method, url: request.url, headers: request.headers });
      } else if (event.method === "Runtime.exceptionThrown") {
        this.errors.push(event.params.exceptionDetails.exception?.description || event.params.exceptionDetails.text);
      }
    });
  }

  /** @param {string} method @param {object} [params] */
  send(method, params) {
    return this.browser.send(method, params, this.sessionId);
  }

  /** @param {string} method */
  once(method) {
    return new Promise((resolve) => {
      const stop = this.browser.on((event) => {
        if (event.sessionId === this.sessionId && event.method === method) {
          stop();
          resolve(event.params);
        }
      });
    });
  }

  /** @param {string} url */
  async goto(url) {
    const loaded = this.once("Page.loadEventFired");
    await this.send("Page.navigate", { url });
    await loaded;
  }

  async reload() {
    const loaded = this.once("Page.loadEventFired");
    await this.send("Page.reload");
    await loaded;
  }

  /**
   * Evaluates an expression in the page, awaiting a promise; returns its value as JSON.
   * @param {string} expression
   */
  async eval(expression) {
    const answer = await this.send("Runtime.evaluate", { expression, awaitPromise: true, returnByValue: true });
    if (answer.exceptionDetails) {
      const d = answer.exceptionDetails;
      throw new Error(`in the page: ${d.exception?.description || d.text}`);
    }
    return answer.result.value;
  }
}
