// @ts-check
/**
 * The browser client of the token infrastructure: one dependency-free ES module.
 *
 * The access token lives only in this closure (never in storage or a script-readable cookie);
 * the refresh token is the issuer's HttpOnly cookie. Design and guarantees: Clients/web/README.md.
 */

/**
 * @typedef {object} TokenClientOptions
 * @property {string} issuer base URL of the issuer, e.g. `http://localhost:8080`
 * @property {string[]} apiOrigins origins (or URLs) whose requests get the access token; no other does
 * @property {string} [name] name of the lock and channel shared by the tabs (default `token-infra`)
 * @property {boolean} [autoRenew] renew ahead of expiry on a timer (default true)
 * @property {LockManager | null} [locks] Web Locks (default `navigator.locks`; null: none)
 * @property {{ new (name: string): BroadcastChannel } | null} [channel] BroadcastChannel constructor (null: none)
 * @property {typeof fetch} [fetch] the fetch to use (default the global one)
 * @property {() => number} [now] the clock in milliseconds (default `Date.now`)
 * @property {EventTarget | null} [window] where to listen for focus, online, pageshow… (default `globalThis`)
 */

/**
 * @typedef {object} Token
 * @property {string} token the access token
 * @property {number} exp expiry in `now()` milliseconds
 * @property {number} ttl lifetime in milliseconds
 * @property {number} [lead] renew this long before `exp` (with jitter)
 */

/**
 * @typedef {EventTarget & {
 *   login(username: string, password: string): Promise<void>,
 *   restore(): Promise<boolean>,
 *   refresh(): Promise<string>,
 *   getToken(): Promise<string>,
 *   fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>,
 *   logout(): Promise<void>,
 *   logoutEverywhere(): Promise<void>,
 *   signedIn(): boolean,
 *   expiresAt(): number | null,
 *   claims(): Record<string, any> | null,
 * }} TokenClient
 * Events (`CustomEvent`, details in `detail`): `signedin`, `renewed` (`{expiresAt, source}`),
 * `signedout` (`{reason}`: `logout`, `logout-everywhere`, `session-ended`, and `remote` when
 * another tab said so) and `refresherror` (`{error}`: the issuer could not be reached; still signed in).
 */

/** An answer of the issuer or the client's own refusal, with the contract's error code. */
export class AuthError extends Error {
  /**
   * @param {number} status HTTP status; 0 when the network failed
   * @param {string} error the error code, e.g. `invalid_credentials`, `network_error`, `signed_out`
   * @param {string} [description] the issuer's `error_description`
   * @param {number} [retryAfter] seconds, from `Retry-After`
   */
  constructor(status, error, description, retryAfter) {
    super(`${status} ${error}${description ? ": " + description : ""}`);
    this.name = "AuthError";
    this.status = status;
    this.error = error;
    this.description = description;
    this.retryAfter = retryAfter;
  }

  /** Worth trying again later: the network, 429 or a 5xx; never a reason to log out. */
  get transient() {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** @param {Response} res */
async function errorOf(res) {
  /** @type {any} */
  let body = {};
  try {
    body = await res.json();
  } catch (_) {}
  return new AuthError(res.status, body.error || "http_" + res.status, body.error_description, Number(res.headers.get("Retry-After")) || undefined);
}

/** @param {string} token */
function decode(token) {
  try {
    return JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  } catch (_) {
    return {};
  }
}

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Creates a client. One per page and issuer.
 * @param {TokenClientOptions} options
 * @returns {TokenClient}
 */
export function createTokenClient(options) {
  const name = options.name || "token-infra";
  const issuer = options.issuer.replace(/\/$/, "");
  const apiOrigins = new Set(options.apiOrigins.map((u) => new URL(u).origin));
  const http = options.fetch || ((/** @type {any} */ i, /** @type {any} */ x) => fetch(i, x));
  const now = options.now || Date.now;
  const nav = /** @type {any} */ (globalThis).navigator;
  const locks = options.locks === undefined ? nav && nav.locks : options.locks;
  const Channel = options.channel === undefined ? globalThis.BroadcastChannel : options.channel;
  const win = options.window === undefined ? globalThis : options.window;
  const autoRenew = options.autoRenew !== false;
  const markPrefix = name + ":token:";
  const client = /** @type {TokenClient} */ (new EventTarget());
  const channel = Channel ? new Channel(name) : null;

  /** @type {Token | null} */
  let cur = null;
  /** @type {Promise<string> | null} */
  let inflight = null;
  /** Bumped by every sign-out: a refresh that started before it must not sign back in. */
  let epoch = 0;
  /** Sessions (sid) logged out here or in another tab: their tokens are never taken again. */
  const dead = new Set();
  /**
   * Called whenever a token is taken (peers answering an ask).
   * @type {Set<() => void>}
   */
  const waiters = new Set();
  /** @type {any} */
  let timer;
  let failures = 0;
  /** Without Web Locks: until when a peer said it is refreshing. */
  let peerBusy = 0;
  let releaseMark = () => {};

  /**
   * @param {string} type
   * @param {object} [detail]
   */
  const emit = (type, detail) => client.dispatchEvent(new CustomEvent(type, { detail }));
  /** @param {object} message */
  const post = (message) => channel && channel.postMessage(message);
  /**
   * Fresh: not within the last tenth of its life (at most 10 s) before expiry.
   * @param {Token | null} t
   */
  const fresh = (t) => !!t && now() < t.exp - Math.min(t.ttl / 10, 10000);

  /**
   * @param {any} body
   * @returns {Token}
   */
  function tokenOf(body) {
    // The lifetime from the claims when present (the issuer's exp is whole seconds after an iat
    // with milliseconds), counted from receipt on our own clock: a skewed clock does not matter.
    const c = decode(body.access_token);
    const ttl = (c.exp > c.iat ? c.exp - c.iat : body.expires_in) * 1000;
    return { token: body.access_token, exp: now() + ttl, ttl };
  }

  // Each tab holds a shared Web Lock named after the expiry of its token. `locks.query()` is
  // answered by the same lock manager that grants the refresh lock, so a tab that gets the
  // refresh lock sees for certain whether some tab holds a newer token, even when that tab's
  // broadcast has not arrived yet: then it asks for the token instead of refreshing again.
  /** @param {number} exp */
  function mark(exp) {
    releaseMark();
    if (!locks) return Promise.resolve();
    /** @type {() => void} */
    let release = () => {};
    const held = new Promise((r) => (release = () => r(undefined)));
    releaseMark = release;
    return new Promise((granted) => locks.request(markPrefix + exp, { mode: "shared" }, () => (granted(undefined), held)));
  }

  /** The newest expiry some tab holds a token for, per the lock manager. */
  async function newestMark() {
    let best = 0;
    const state = await /** @type {LockManager} */ (locks).query();
    for (const lock of [...(state.held || []), ...(state.pending || [])]) {
      const n = lock.name || "";
      if (n.startsWith(markPrefix)) best = Math.max(best, Number(n.slice(markPrefix.length)));
    }
    return best;
  }

  /**
   * @param {Token} t
   * @param {string} source
   * @param {boolean} tell
   */
  function adopt(t, source, tell) {
    const first = !cur;
    const ttl = t.ttl;
    t.lead = Math.min(ttl / 5, 60000) * (1 + Math.random() / 2);
    cur = t;
    failures = 0;
    schedule();
    if (tell) post({ t: "token", token: t.token, exp: t.exp, ttl });
    emit(first ? "signedin" : "renewed", { expiresAt: t.exp, source });
    waiters.forEach((w) => w());
    return mark(t.exp);
  }

  /**
   * @param {string} reason
   * @param {boolean} tell
   */
  function signOut(reason, tell) {
    const was = cur;
    epoch++;
    cur = null;
    clearTimeout(timer);
    releaseMark();
    if (was) {
      const sid = decode(was.token).sid;
      dead.add(sid);
      if (tell) post({ t: "logout", reason, sid });
      emit("signedout", { reason, remote: !tell });
    }
  }

  function schedule() {
    clearTimeout(timer);
    if (autoRenew && cur) timer = setTimeout(background, Math.max(0, cur.exp - (cur.lead || 0) - now()));
  }

  /** Renews in the background; on a transient failure tries again with backoff (max 30 s). */
  function background() {
    if (!cur) return;
    refreshToken(cur.token).catch((/** @type {any} */ e) => {
      if (!(e instanceof AuthError) || !e.transient || !cur) return;
      emit("refresherror", { error: e });
      clearTimeout(timer);
      timer = setTimeout(background, Math.min(30000, 500 * 2 ** failures++) * (0.75 + Math.random() / 2));
    });
  }

  /**
   * Waits up to `ms` for a peer to hand over a token that satisfies `ok`.
   * @param {() => boolean} ok
   * @param {number} ms
   */
  function askPeers(ok, ms) {
    return new Promise((resolve) => {
      /** @param {boolean} v */
      const done = (v) => (waiters.delete(w), clearTimeout(t), resolve(v));
      const w = () => ok() && done(true);
      const t = setTimeout(() => done(false), ms);
      waiters.add(w);
      post({ t: "ask" });
    });
  }

  /**
   * One refresh on the wire, under the cross-tab lock.
   * @param {number} e the epoch it is for
   */
  async function wire(e) {
    let res;
    try {
      res = await http(issuer + "/auth/refresh", { method: "POST", credentials: "include", headers: { "X-Requested-With": "fetch" } });
    } catch (x) {
      throw new AuthError(0, "network_error", String(x));
    }
    if (!res.ok) {
      const err = await errorOf(res);
      // The session is over (expired, revoked, logged out, reuse detected): tell every tab.
      if (res.status === 401 && e === epoch) signOut("session-ended", true);
      throw err;
    }
    const t = tokenOf(await res.json());
    if (e !== epoch || dead.has(decode(t.token).sid)) throw new AuthError(401, "signed_out", "signed out meanwhile");
    await adopt(t, "refresh", true);
    return t.token;
  }

  /**
   * A fresh token other than `rejected`: from this tab, a peer, or one refresh.
   * @param {string} [rejected]
   */
  async function once(rejected) {
    const ok = () => !!cur && fresh(cur) && cur.token !== rejected;
    const e = epoch;
    const run = async () => {
      if (ok()) return /** @type {Token} */ (cur).token;
      let wait = 0;
      if (locks) {
        const best = await newestMark();
        // Some tab holds a newer token for certain: worth waiting for, even on a busy machine.
        if (best > now() && best > (cur ? cur.exp : 0)) wait = 3000;
      } else if (peerBusy > now()) {
        wait = 1000; // without Web Locks: a peer is refreshing, wait for its token
      } else {
        // Else say so, so that a tab that hears it waits instead of rotating the new cookie while
        // the issuer's grace answer to this one (the same successor) may still be on its way.
        post({ t: "refreshing" });
        if (!cur) wait = 150; // a new tab: maybe a peer has a token
      }
      if (wait && (await askPeers(ok, wait))) return /** @type {Token} */ (cur).token;
      return wire(e);
    };
    return locks ? locks.request(name + ":refresh", run) : run();
  }

  /**
   * Single flight in this tab; one quick retry on a transient failure.
   * @param {string} [rejected]
   */
  function refreshToken(rejected) {
    return (inflight ||= (async () => {
      try {
        for (let i = 0; ; i++) {
          try {
            return await once(rejected);
          } catch (e) {
            if (!(e instanceof AuthError) || !e.transient || i) throw e;
            await sleep(300 + Math.random() * 200);
          }
        }
      } finally {
        inflight = null;
      }
    })());
  }

  const signedOutError = () => new AuthError(401, "signed_out", "not signed in");

  async function getToken() {
    if (!cur) throw signedOutError();
    return fresh(cur) ? cur.token : refreshToken();
  }

  /**
   * @param {string} path
   * @param {string | null} bearer
   * @param {string} [body]
   */
  function issuerPost(path, bearer, body) {
    /** @type {Record<string, string>} */
    const headers = { "X-Requested-With": "fetch" };
    if (body) headers["Content-Type"] = "application/json";
    if (bearer) headers.Authorization = "Bearer " + bearer;
    return http(issuer + path, { method: "POST", credentials: "include", headers, body }).catch((x) => {
      throw new AuthError(0, "network_error", String(x));
    });
  }

  /**
   * @param {string} username
   * @param {string} password
   */
  async function login(username, password) {
    const res = await issuerPost("/auth/login", null, JSON.stringify({ username, password }));
    if (!res.ok) throw await errorOf(res);
    epoch++;
    await adopt(tokenOf(await res.json()), "login", true);
  }

  async function logout() {
    const token = cur && cur.token;
    // Every tab stops using the token now, before the issuer has even answered.
    signOut("logout", true);
    const res = await issuerPost("/auth/logout", token);
    if (!res.ok) throw await errorOf(res);
  }

  async function logoutEverywhere() {
    const res = await issuerPost("/auth/logout-all", await getToken());
    if (!res.ok && res.status !== 401) throw await errorOf(res);
    signOut("logout-everywhere", true);
    await issuerPost("/auth/logout", null); // clears the cookie
  }

  /**
   * @param {RequestInfo | URL} input
   * @param {RequestInit} [init]
   */
  async function apiFetch(input, init) {
    const request = new Request(input, init);
    if (!apiOrigins.has(new URL(request.url).origin)) return http(request);
    // A stream cannot be sent twice; everything else is cloned for the one retry.
    const replayable = !(init && init.body instanceof ReadableStream);
    /** @param {string} token */
    const send = (token) => {
      const r = replayable ? request.clone() : request;
      r.headers.set("Authorization", "Bearer " + token);
      return http(r);
    };
    const token = await getToken();
    const res = await send(token);
    if (res.status !== 401 || !replayable || !cur) return res;
    // A newer token may have arrived meanwhile; else one refresh for every waiting request.
    return send(fresh(cur) && cur.token !== token ? cur.token : await refreshToken(token));
  }

  if (channel) {
    channel.onmessage = ({ data: m }) => {
      if (m.t === "token") {
        if (!dead.has(decode(m.token).sid) && (!cur || (m.exp >= cur.exp && m.token !== cur.token))) adopt({ token: m.token, exp: m.exp, ttl: m.ttl }, "peer", false);
      } else if (m.t === "refreshing") {
        peerBusy = now() + 1000;
      } else if (m.t === "ask") {
        if (cur && fresh(cur)) post({ t: "token", token: cur.token, exp: cur.exp, ttl: cur.ttl });
      } else if (m.t === "logout") {
        dead.add(m.sid);
        signOut(m.reason, false);
      }
    };
  }

  // After sleep, a frozen or hidden page, or a lost network: renew at once if due.
  const wake = () => {
    if (cur && now() >= cur.exp - (cur.lead || 0)) background();
  };
  if (win && win.addEventListener) {
    for (const type of ["visibilitychange", "focus", "online", "pageshow", "resume"]) win.addEventListener(type, wake);
    // A page in the back/forward cache must not hold a lock (it would be evicted); re-marked on return.
    win.addEventListener("pagehide", () => releaseMark());
    win.addEventListener("pageshow", () => cur && mark(cur.exp));
  }

  return Object.assign(client, {
    login,
    /** Signs in from the refresh cookie or a peer tab, e.g. after a reload; false when there is no session. */
    async restore() {
      if (cur) return true;
      try {
        await refreshToken();
        return true;
      } catch (e) {
        if (e instanceof AuthError && e.status === 401) return false;
        throw e;
      }
    },
    refresh: () => (cur ? refreshToken(cur.token) : Promise.reject(signedOutError())),
    getToken,
    fetch: apiFetch,
    logout,
    logoutEverywhere,
    signedIn: () => !!cur,
    expiresAt: () => (cur ? cur.exp : null),
    claims: () => (cur ? decode(cur.token) : null),
  });
}
