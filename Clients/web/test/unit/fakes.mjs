// Fakes for the unit tests of the client: Web Locks, BroadcastChannel and an issuer with one
// API origin, in memory. The browser tests (../browser) use the real ones.

/** A fake `navigator.locks` shared by the fake tabs of one fake browser. */
export class FakeLockManager {
  constructor() {
    /** @type {Map<string, {mode: string, count: number}>} */
    this.held = new Map();
    /** @type {{name: string, mode: string, grant: () => void}[]} */
    this.queue = [];
  }

  request(name, options, callback) {
    if (typeof options === "function") [callback, options] = [options, {}];
    const mode = options.mode || "exclusive";
    return new Promise((resolve, reject) => {
      const grant = () => {
        const entry = this.held.get(name) || { mode, count: 0 };
        entry.count++;
        this.held.set(name, entry);
        Promise.resolve()
          .then(() => callback({ name, mode }))
          .then(resolve, reject)
          .finally(() => {
            if (--entry.count === 0) this.held.delete(name);
            setTimeout(() => this.pump(), 0);
          });
      };
      this.queue.push({ name, mode, grant });
      setTimeout(() => this.pump(), 0);
    });
  }

  pump() {
    for (const item of [...this.queue]) {
      const holder = this.held.get(item.name);
      if (!holder || (holder.mode === "shared" && item.mode === "shared")) {
        this.queue.splice(this.queue.indexOf(item), 1);
        item.grant();
      }
    }
  }

  async query() {
    return {
      held: [...this.held.entries()].map(([name, { mode }]) => ({ name, mode })),
      pending: this.queue.map(({ name, mode }) => ({ name, mode })),
    };
  }
}

/** A fake BroadcastChannel class whose instances (one per fake tab) reach each other. */
export function fakeBroadcastChannel() {
  const all = new Set();
  return class FakeBroadcastChannel {
    constructor(name) {
      this.name = name;
      /** @type {((event: {data: any}) => void) | null} */
      this.onmessage = null;
      all.add(this);
    }
    postMessage(data) {
      for (const peer of all) {
        if (peer !== this && peer.name === this.name) {
          const copy = structuredClone(data);
          setTimeout(() => peer.onmessage && peer.onmessage({ data: copy }), 1);
        }
      }
    }
    close() {
      all.delete(this);
    }
  };
}

const b64 = (value) => btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/**
 * A fake issuer at http://issuer.test and API at http://api.test, behind one fake `fetch`:
 * counts refreshes, rotates a fake refresh cookie, and can be made unreachable or failing.
 */
export class FakeServer {
  constructor({ ttl = 60 } = {}) {
    this.ttl = ttl;
    this.refreshes = 0;
    this.apiCalls = [];
    this.valid = new Set();
    this.session = null;
    this.n = 0;
    /** "up", "down" (network error) or a status code for every issuer answer */
    this.issuer = "up";
    this.refreshDelay = 5;
    this.fetch = (input, init) => this.handle(new Request(input, init));
  }

  mint() {
    const token = `${b64({ alg: "ES256" })}.${b64({ sub: "alice", sid: this.session, n: ++this.n })}.sig`;
    this.valid.add(token);
    return { access_token: token, token_type: "Bearer", expires_in: this.ttl };
  }

  json(status, body) {
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", "Retry-After": "3" } });
  }

  async handle(request) {
    const url = new URL(request.url);
    if (url.origin === "http://api.test") {
      const auth = request.headers.get("Authorization");
      this.apiCalls.push({ path: url.pathname, auth, body: request.body ? await request.text() : null });
      const ok = auth && this.valid.has(auth.slice(7));
      return ok ? this.json(200, { ok: true }) : this.json(401, { error: "invalid_token" });
    }
    if (url.origin !== "http://issuer.test") return this.json(200, { elsewhere: true, auth: request.headers.get("Authorization") });
    if (this.issuer === "down") throw new TypeError("Failed to fetch");
    if (typeof this.issuer === "number") return this.json(this.issuer, { error: "temporarily_unavailable" });
    switch (url.pathname) {
      case "/auth/login": {
        const { password } = await request.json();
        if (password !== "right") return this.json(401, { error: "invalid_credentials", error_description: "wrong" });
        this.session = "s" + ++this.n;
        return this.json(200, this.mint());
      }
      case "/auth/refresh":
        this.refreshes++;
        await new Promise((r) => setTimeout(r, this.refreshDelay));
        if (!this.session) return this.json(401, { error: "invalid_grant" });
        return this.json(200, this.mint());
      case "/auth/logout":
      case "/auth/logout-all":
        this.session = null;
        this.valid.clear();
        return new Response(null, { status: 204 });
    }
    return this.json(404, { error: "not_found" });
  }
}
