// The client and the demo app in Debian's headless Chromium, against a private cluster of the
// real executables (Clients/web/test/browser/run starts it: access tokens live 10 s,
// leeway 0, reuse grace WEB_GRACE_MS). Every scenario gets a fresh browser context; refreshes
// are counted on the wire twice: by the issuer's own counters and by the browser's network log.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { Browser } from "./cdp.mjs";

const env = process.env;
const demoPort = Number(env.WEB_DEMO_PORT);
const demo = `http://localhost:${demoPort}/`;
const issuer = `http://127.0.0.1:${env.WEB_ISSUER_PORT}`;
const resources = String(env.WEB_RESOURCE_PORTS).split(" ").map((p) => `http://127.0.0.1:${p}`);
const graceMs = Number(env.WEB_GRACE_MS);
const run = promisify(execFile);
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** @type {Browser} */
let browser;

before(async () => {
  browser = await Browser.launch([`--host-resolver-rules=MAP evil.test 127.0.0.1`]);
});
after(async () => {
  await browser?.close();
});

/** The issuer's refresh counters (issuer_refreshes_total by outcome). */
async function refreshCounters() {
  const text = await (await fetch(issuer + "/metrics")).text();
  /** @type {Record<string, number>} */
  const counts = { rotated: 0, replayed: 0, reuse_detected: 0, invalid_grant: 0 };
  for (const [, outcome, value] of text.matchAll(/^issuer_refreshes_total\{outcome="(\w+)"\} (\d+)/gm)) counts[outcome] = Number(value);
  return counts;
}

/** Refreshes the issuer answered since `before`, and how many found reuse. @param {Record<string, number>} before */
async function refreshesSince(before) {
  const now = await refreshCounters();
  const delta = Object.fromEntries(Object.keys(now).map((k) => [k, now[k] - (before[k] || 0)]));
  return { ...delta, total: delta.rotated + delta.replayed + delta.reuse_detected + delta.invalid_grant };
}

/** POST /auth/refresh requests the context's tabs sent since `since`. @param {import("./cdp.mjs").Context} context @param {number} since */
const refreshPosts = (context, since) =>
  context.requests().filter((r) => r.at >= since && r.method === "POST" && r.url.endsWith("/auth/refresh")).length;

/** Opens the demo and waits for its session restore. @param {import("./cdp.mjs").Context} context @param {string} [query] */
async function openDemo(context, query = "?autorenew=0") {
  const tab = await context.open(demo + query);
  await ready(tab);
  return tab;
}

/** @param {import("./cdp.mjs").Tab} tab */
const ready = (tab) => tab.eval(`(async () => { while (!window.demo) await new Promise(r => setTimeout(r, 20)); return demo.ready })()`);

/** @param {import("./cdp.mjs").Tab} tab @param {string} [user] @param {string} [password] */
async function login(tab, user = "alice", password = "alice-dev-password") {
  return tab.eval(`demo.client.login(${JSON.stringify(user)}, ${JSON.stringify(password)}).then(() => "ok", demo.describe)`);
}

/** N concurrent calls alternating over both resources; their statuses. @param {import("./cdp.mjs").Tab} tab @param {number} n */
const burst = (tab, n) =>
  tab.eval(`Promise.all(Array.from({length: ${n}}, (_, i) => demo.call(demo.resources[i % 2] + "/api/me"))).then(rs => rs.map(r => r.status))`);

/** Waits until the tab's access token has expired on the issuer's clock (leeway 0). @param {import("./cdp.mjs").Tab} tab */
async function untilExpired(tab) {
  const exp = await tab.eval("demo.client.expiresAt()");
  await sleep(Math.max(0, exp - Date.now()) + 300);
}

/** @param {import("./cdp.mjs").Tab} tab */
const state = (tab) => tab.eval(`document.getElementById("state").textContent`);
/** @param {import("./cdp.mjs").Tab} tab */
const signedOutEvents = (tab) => tab.eval(`demo.events.filter(e => e.type === "signedout").length`);

/** @param {string} token */
async function refusedByBothResources(token) {
  for (let i = 0; i < 20; i++) {
    const statuses = await Promise.all(resources.map(async (r) => (await fetch(r + "/api/me", { headers: { Authorization: "Bearer " + token } })).status));
    if (statuses.every((s) => s === 401)) return true;
    await sleep(100);
  }
  return false;
}

/** @param {(context: import("./cdp.mjs").Context) => Promise<void>} body */
async function inContext(body) {
  const context = await browser.context();
  try {
    await body(context);
  } finally {
    const errors = context.tabs.flatMap((t) => t.errors);
    await context.close();
    assert.deepEqual(errors, [], "no uncaught exception in any page");
  }
}

test("log in, call both resources, reload: the session is back without a password; cookie and storage", { timeout: 90_000 }, () =>
  inContext(async (context) => {
    const tab = await openDemo(context);
    assert.equal(await state(tab), "signed out");
    assert.equal(await login(tab), "ok");
    assert.equal(await state(tab), "signed in as alice (user)");
    const calls = await tab.eval(`Promise.all(demo.resources.flatMap(r => [r + "/api/me", r + "/api/orders", r + "/api/admin/audit"]).map(u => demo.call(u).then(a => a.status)))`);
    assert.deepEqual(calls, [200, 200, 403, 200, 200, 403]);

    const cookies = await context.cookies();
    const refresh = cookies.find((/** @type {any} */ c) => c.name === "refresh_token");
    assert.ok(refresh, "the refresh cookie is in the browser's store");
    assert.equal(refresh.domain, "localhost");
    assert.equal(refresh.path, "/auth");
    assert.equal(refresh.httpOnly, true);
    assert.equal(refresh.secure, true);
    assert.equal(refresh.sameSite, "Strict");
    const access = await tab.eval("demo.client.getToken()");
    const visible = await tab.eval(`(async () => JSON.stringify({ cookie: document.cookie, local: { ...localStorage }, session: { ...sessionStorage },
      idb: (await indexedDB.databases()).map(d => d.name), caches: await caches.keys() }))()`);
    assert.equal(JSON.parse(visible).cookie, "");
    assert.ok(!visible.includes(access) && !visible.includes(refresh.value), `no token readable by script: ${visible}`);

    const since = Date.now();
    await tab.reload();
    assert.equal(await ready(tab), true);
    assert.equal(await state(tab), "signed in as alice (user)");
    assert.equal(refreshPosts(context, since), 1, "restored from the cookie by one refresh");
    assert.deepEqual(await burst(tab, 2), [200, 200]);
  }));

test("20 concurrent calls after the access token expired: exactly 1 refresh on the wire, 20 successes", { timeout: 90_000 }, () =>
  inContext(async (context) => {
    const tab = await openDemo(context);
    assert.equal(await login(tab), "ok");
    await untilExpired(tab);
    const counters = await refreshCounters();
    const since = Date.now();
    assert.deepEqual(await burst(tab, 20), Array(20).fill(200));
    assert.equal(refreshPosts(context, since), 1);
    assert.equal((await refreshesSince(counters)).total, 1);
  }));

/** 3 tabs x 10 calls at expiry. @param {string} query */
async function threeTabs(query) {
  /** @type {any} */
  let result;
  await inContext(async (context) => {
    const first = await openDemo(context, query);
    assert.equal(await login(first), "ok");
    const opened = Date.now();
    const tabs = [first, await openDemo(context, query), await openDemo(context, query)];
    for (const tab of tabs) assert.equal(await state(tab), "signed in as alice (user)");
    const refreshesToOpen = refreshPosts(context, opened);
    await untilExpired(first);
    const counters = await refreshCounters();
    const since = Date.now();
    const statuses = await Promise.all(tabs.map((tab) => burst(tab, 10)));
    const wire = refreshPosts(context, since);
    const issuerSide = await refreshesSince(counters);
    if (wire !== 1 || issuerSide.total !== 1) {
      // What each tab saw, to tell a second refresh's cause from a miscount.
      const seen = await Promise.all(tabs.map((tab) => tab.eval(`JSON.stringify(demo.events.map(e => [e.type, e.at % 100000, e.detail.source || e.detail.reason || ""]))`)));
      const posts = tabs.map((tab) => tab.requests.filter((r) => r.at >= since && r.url.endsWith("/auth/refresh")).map((r) => `${r.method}@${r.at % 100000}`));
      console.log(JSON.stringify({ wire, issuerSide, since: since % 100000, seen, posts }));
    }
    for (const tab of tabs) {
      assert.equal(await state(tab), "signed in as alice (user)");
      assert.equal(await signedOutEvents(tab), 0);
    }
    assert.deepEqual(statuses.flat(), Array(30).fill(200));
    assert.equal(issuerSide.reuse_detected, 0);
    // The session did not fork: after the grace window the newest cookie still refreshes.
    await sleep(graceMs + 300);
    assert.equal(await first.eval(`demo.client.refresh().then(() => "ok", demo.describe)`), "ok");
    assert.equal(await signedOutEvents(tabs[2]), 0);
    result = { refreshesToOpen, wire, issuerSide };
  });
  return result;
}

test("3 tabs x 10 calls at expiry: exactly 1 refresh in total, no reuse, nobody logged out", { timeout: 90_000 }, async () => {
  const { refreshesToOpen, wire, issuerSide } = await threeTabs("?autorenew=0");
  assert.equal(refreshesToOpen, 0, "new tabs got the token from their peers");
  assert.equal(wire, 1);
  assert.equal(issuerSide.total, 1);
});

test("the same without Web Locks: nobody logged out", { timeout: 90_000 }, async () => {
  const { issuerSide } = await threeTabs("?autorenew=0&locks=0");
  assert.ok(issuerSide.total >= 1 && issuerSide.total <= 3, JSON.stringify(issuerSide));
});

test("logout in one tab: the others show signed out within 1 s and send nothing with the old token", { timeout: 90_000 }, () =>
  inContext(async (context) => {
    const first = await openDemo(context);
    assert.equal(await login(first), "ok");
    const tabs = [first, await openDemo(context), await openDemo(context)];
    const old = await first.eval("demo.client.getToken()");
    const since = Date.now();
    await first.eval("demo.client.logout()");
    for (const tab of tabs.slice(1)) {
      while ((await state(tab)) !== "signed out") {
        assert.ok(Date.now() - since < 1000, "signed out within 1 s");
        await sleep(20);
      }
    }
    for (const tab of tabs.slice(1)) assert.equal((await tab.eval(`demo.call(demo.resources[0] + "/api/me")`)).error, "signed_out");
    const withOld = context.requests().filter((r) => r.at >= since && Object.values(r.headers).some((v) => String(v).includes(old)));
    assert.deepEqual(withOld.map((r) => r.url), [`http://localhost:${env.WEB_ISSUER_PORT}/auth/logout`], "only the logout itself carried it");
    assert.ok(await refusedByBothResources(old), "both resources refuse the old token");
  }));

test("a page of another site posting to /auth/refresh with credentials gets no token and changes nothing", { timeout: 90_000 }, () =>
  inContext(async (context) => {
    const tab = await openDemo(context);
    assert.equal(await login(tab), "ok");
    const cookieBefore = (await context.cookies()).find((/** @type {any} */ c) => c.name === "refresh_token").value;
    const counters = await refreshCounters();
    const evil = await context.open(`http://evil.test:${demoPort}/healthz`);
    const target = `http://localhost:${env.WEB_ISSUER_PORT}/auth/refresh`;
    const outcome = await evil.eval(`(async () => {
      const out = {};
      try { const r = await fetch(${JSON.stringify(target)}, { method: "POST", credentials: "include", headers: { "X-Requested-With": "fetch" } });
            out.cors = { status: r.status, body: await r.text() }; } catch (e) { out.cors = String(e); }
      try { const r = await fetch(${JSON.stringify(target)}, { method: "POST", credentials: "include", mode: "no-cors" });
            out.simple = { type: r.type, body: await r.text() }; } catch (e) { out.simple = String(e); }
      return out; })()`);
    assert.match(String(outcome.cors), /TypeError/, JSON.stringify(outcome));
    assert.ok(typeof outcome.simple === "string" || (outcome.simple.type === "opaque" && outcome.simple.body === ""), JSON.stringify(outcome));
    assert.equal((await refreshesSince(counters)).rotated, 0);
    assert.equal((await context.cookies()).find((/** @type {any} */ c) => c.name === "refresh_token").value, cookieBefore);
    assert.equal(await tab.eval(`demo.client.refresh().then(() => "ok", demo.describe)`), "ok");
  }));

test("the page frozen past the token's expiry, then resumed: the first call refreshes and succeeds", { timeout: 90_000 }, () =>
  inContext(async (context) => {
    const tab = await openDemo(context, "");
    assert.equal(await login(tab), "ok");
    const exp = await tab.eval("demo.client.expiresAt()");
    await tab.send("Page.setWebLifecycleState", { state: "frozen" });
    await sleep(exp - Date.now() + 500);
    const counters = await refreshCounters();
    await tab.send("Page.setWebLifecycleState", { state: "active" });
    assert.deepEqual(await burst(tab, 1), [200]);
    assert.equal((await refreshesSince(counters)).total, 1);
    assert.equal(await signedOutEvents(tab), 0);
  }));

test("the issuer stopped for 10 s while a tab works: no logout, calls resume after it returns", { timeout: 90_000 }, () =>
  inContext(async (context) => {
    const tab = await openDemo(context, "");
    assert.equal(await login(tab), "ok");
    await tab.eval(`window.work = { results: [], stop: false };
      (async () => { while (!work.stop) { const r = await demo.call(demo.resources[work.results.length % 2] + "/api/me");
        work.results.push({ at: Date.now(), status: r.status, error: r.error }); await new Promise(r => setTimeout(r, 200)); } })(); 0`);
    await sleep(500);
    await run(env.WEB_CLUSTER, ["stop", "issuer"]);
    const stopped = Date.now();
    await sleep(10_000 - (Date.now() - stopped));
    await run(env.WEB_CLUSTER, ["start", "issuer"]);
    const restarted = Date.now();
    /** @type {{at: number, status: number, error?: string}[]} */
    let results = [];
    for (let i = 0; i < 100; i++) {
      results = await tab.eval("work.results");
      if (results.some((r) => r.at > restarted && r.status === 200)) break;
      await sleep(100);
    }
    await tab.eval("work.stop = true");
    const during = results.filter((r) => r.at > stopped && r.at < restarted);
    assert.ok(during.some((r) => r.status !== 200), "the token expired during the outage");
    assert.ok(during.every((r) => r.status === 200 || r.status === 0 || r.status >= 500), JSON.stringify(during.filter((r) => r.status !== 200)));
    assert.ok(results.some((r) => r.at > restarted && r.status === 200), "calls resumed");
    assert.equal(await signedOutEvents(tab), 0);
    assert.equal(await state(tab), "signed in as alice (user)");
  }));

test("a wrong password, a spent refresh token, a 503 and a rate-limited login reach the page with status and JSON error", { timeout: 90_000 }, () =>
  inContext(async (context) => {
    const tab = await openDemo(context);
    const wrong = await login(tab, "alice", "wrong-password");
    assert.equal(wrong.status, 401, JSON.stringify(wrong));
    assert.equal(wrong.error, "invalid_credentials");
    assert.equal(wrong.description, "the username or password is wrong");

    assert.equal(await login(tab), "ok");
    const spent = (await context.cookies()).find((/** @type {any} */ c) => c.name === "refresh_token");
    assert.equal(await tab.eval(`demo.client.refresh().then(() => "ok", demo.describe)`), "ok");
    await sleep(graceMs + 300);
    const { name, value, path, secure, httpOnly, sameSite, expires } = spent;
    await context.setCookies([{ name, value, url: `http://localhost:${env.WEB_ISSUER_PORT}/auth`, path, secure, httpOnly, sameSite, expires }]);
    const reused = await tab.eval(`demo.client.refresh().then(() => "ok", demo.describe)`);
    assert.equal(reused.status, 401);
    assert.equal(reused.error, "invalid_grant");
    assert.equal(await state(tab), "signed out");
    assert.equal(await tab.eval(`demo.events.at(-1).detail.reason`), "session-ended");

    // Redis paused: the issuer's session store does not answer within its deadline.
    await run("redis-cli", ["-p", String(env.WEB_REDIS_PORT), "client", "pause", "3500", "all"]);
    const unavailable = await login(tab);
    assert.equal(unavailable.status, 503, JSON.stringify(unavailable));
    assert.equal(unavailable.error, "temporarily_unavailable");
    assert.ok(unavailable.retryAfter >= 1, "Retry-After is exposed to the page");
    await sleep(1500);

    const user = `mallory-${Date.now()}`;
    /** @type {any} */
    let limited;
    for (let i = 0; i < 7 && !(limited && limited.status === 429); i++) limited = await login(tab, user, "guess");
    assert.equal(limited.status, 429, JSON.stringify(limited));
    assert.equal(limited.error, "rate_limited");
    assert.ok(limited.retryAfter >= 1);
  }));
