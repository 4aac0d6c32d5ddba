// Unit tests of the client's logic with `node --test`: fake locks, channels and servers
// (./fakes.mjs); the same scenarios run against the real services in Chromium (../browser).
import assert from "node:assert/strict";
import { test } from "node:test";
import { AuthError, createTokenClient } from "../../src/token-client.js";
import { FakeLockManager, FakeServer, fakeBroadcastChannel } from "./fakes.mjs";

/** One fake browser: a clock, a lock manager and a channel class shared by its tabs. */
function browser({ ttl = 60, locks = true } = {}) {
  const server = new FakeServer({ ttl });
  const clock = { t: 1_800_000_000_000 };
  const lockManager = locks ? new FakeLockManager() : null;
  const Channel = fakeBroadcastChannel();
  const tabs = [];
  const tab = (extra = {}) => {
    const client = createTokenClient({
      issuer: "http://issuer.test/", apiOrigins: ["http://api.test"], fetch: server.fetch, now: () => clock.t,
      locks: lockManager, channel: Channel, window: null, autoRenew: false, ...extra,
    });
    client.events = [];
    for (const type of ["signedin", "renewed", "signedout", "refresherror"]) {
      client.addEventListener(type, (e) => client.events.push({ type, ...e.detail }));
    }
    tabs.push(client);
    return client;
  };
  return { server, clock, tab, tabs };
}

const me = "http://api.test/api/me";

test("the token goes to the API origins only, in the Authorization header", async () => {
  const { server, tab } = browser();
  const client = tab();
  await client.login("alice", "right");
  assert.equal((await client.fetch(me)).status, 200);
  assert.match(server.apiCalls[0].auth, /^Bearer /);
  const other = await (await client.fetch("http://elsewhere.test/x")).json();
  assert.equal(other.auth, null);
  assert.deepEqual(client.events.map((e) => e.type), ["signedin"]);
  assert.equal(client.claims().sub, "alice");
});

test("a wrong password rejects with the status and the issuer's error code", async () => {
  const { tab } = browser();
  const error = await tab().login("alice", "wrong").catch((e) => e);
  assert.ok(error instanceof AuthError);
  assert.equal(error.status, 401);
  assert.equal(error.error, "invalid_credentials");
});

test("20 concurrent calls with an expired token: one refresh, 20 successes", async () => {
  const { server, clock, tab } = browser();
  const client = tab();
  await client.login("alice", "right");
  clock.t += 61_000;
  const answers = await Promise.all(Array.from({ length: 20 }, () => client.fetch(me)));
  assert.deepEqual(answers.map((r) => r.status), Array(20).fill(200));
  assert.equal(server.refreshes, 1);
});

test("a 401 on a fresh token: one refresh for all the waiting calls, then one retry each", async () => {
  const { server, tab } = browser();
  const client = tab();
  await client.login("alice", "right");
  server.valid.clear(); // the API refuses the current token (say, a key it does not know yet)
  const answers = await Promise.all(Array.from({ length: 5 }, () => client.fetch(me)));
  assert.deepEqual(answers.map((r) => r.status), Array(5).fill(200));
  assert.equal(server.refreshes, 1);
  assert.equal(server.apiCalls.length, 10);
});

test("a 401 after a newer token arrived: retried with it, no refresh", async () => {
  const { server, tab } = browser();
  const [one, two] = [tab(), tab()];
  await one.login("alice", "right");
  assert.equal(await two.restore(), true);
  const stale = await two.getToken();
  await one.refresh(); // the fresh token reaches tab two by the channel
  await new Promise((r) => setTimeout(r, 20));
  server.valid.delete(stale);
  const before = server.refreshes;
  assert.equal((await two.fetch(me)).status, 200);
  assert.equal(server.refreshes, before);
});

test("a body that cannot be replayed is not retried after a 401", async () => {
  const { server, tab } = browser();
  const client = tab();
  await client.login("alice", "right");
  server.valid.clear();
  const body = new ReadableStream({ start: (c) => (c.enqueue(new TextEncoder().encode("once")), c.close()) });
  const answer = await client.fetch(me, { method: "POST", body, duplex: "half" });
  assert.equal(answer.status, 401);
  assert.equal(server.refreshes, 0);
  const replayable = await client.fetch(me, { method: "POST", body: "twice" });
  assert.equal(replayable.status, 200);
  assert.deepEqual(server.apiCalls.slice(-2).map((c) => c.body), ["twice", "twice"]);
});

test("3 tabs x 10 calls at expiry: exactly one refresh, nobody signed out", async () => {
  const { server, clock, tab, tabs } = browser();
  await tab().login("alice", "right");
  for (let i = 0; i < 2; i++) assert.equal(await tab().restore(), true);
  assert.equal(server.refreshes, 0, "new tabs ask their peers first");
  clock.t += 61_000;
  const answers = await Promise.all(tabs.flatMap((t) => Array.from({ length: 10 }, () => t.fetch(me))));
  assert.deepEqual(answers.map((r) => r.status), Array(30).fill(200));
  assert.equal(server.refreshes, 1);
  assert.ok(tabs.every((t) => t.signedIn()));
});

test("without Web Locks: tabs may refresh more than once, but nobody is signed out", async () => {
  const { clock, tab, tabs } = browser({ locks: false });
  await tab().login("alice", "right");
  for (let i = 0; i < 2; i++) assert.equal(await tab().restore(), true);
  clock.t += 61_000;
  const answers = await Promise.all(tabs.flatMap((t) => Array.from({ length: 10 }, () => t.fetch(me))));
  assert.ok(answers.every((r) => r.status === 200));
  assert.ok(tabs.every((t) => t.signedIn() && !t.events.some((e) => e.type === "signedout")));
});

test("logout in one tab signs out every tab; no request leaves with the old token", async () => {
  const { server, tab, tabs } = browser();
  await tab().login("alice", "right");
  await tab().restore();
  await tabs[0].logout();
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(tabs.every((t) => !t.signedIn()));
  assert.equal(tabs[1].events.at(-1).reason, "logout");
  const calls = server.apiCalls.length;
  const error = await tabs[1].fetch(me).catch((e) => e);
  assert.equal(error.error, "signed_out");
  assert.equal(server.apiCalls.length, calls);
});

test("a refresh answered 401 means signed out: every tab told, every waiter rejected", async () => {
  const { server, clock, tab, tabs } = browser();
  await tab().login("alice", "right");
  await tab().restore();
  server.session = null; // revoked on the issuer
  clock.t += 61_000;
  const results = await Promise.allSettled(Array.from({ length: 3 }, () => tabs[0].fetch(me)));
  assert.ok(results.every((r) => r.status === "rejected" && r.reason.status === 401));
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(tabs.every((t) => !t.signedIn()));
  assert.equal(tabs[1].events.at(-1).reason, "session-ended");
});

test("an unreachable or failing issuer is 'try again', never a logout", async () => {
  const { server, clock, tab } = browser();
  const client = tab();
  await client.login("alice", "right");
  clock.t += 61_000;
  for (const failure of ["down", 503]) {
    server.issuer = failure;
    const error = await client.fetch(me).catch((e) => e);
    assert.ok(error instanceof AuthError && error.transient, String(error));
    assert.equal(client.signedIn(), true);
  }
  server.issuer = "up";
  assert.equal((await client.fetch(me)).status, 200);
  assert.ok(!client.events.some((e) => e.type === "signedout"));
});

test("renews ahead of expiry by itself: a timer 12-18 s before a 60 s token ends, with jitter", async () => {
  const { server, tab } = browser({ ttl: 60 });
  const client = tab({ autoRenew: true });
  // The renewal timer's delay, read off setTimeout (waiting for it would race a loaded machine).
  const realSetTimeout = globalThis.setTimeout;
  const timers = [];
  globalThis.setTimeout = (fn, ms, ...rest) => {
    const id = realSetTimeout(fn, ms, ...rest);
    if (ms > 1000) timers.push({ fn, ms, id });
    return id;
  };
  try {
    await client.login("alice", "right");
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  assert.equal(timers.length, 1);
  const [{ fn, ms, id }] = timers;
  assert.ok(ms >= 42_000 && ms <= 48_000, `renewal in ${ms} ms`);
  clearTimeout(id);
  fn(); // what the timer does when it fires: one refresh
  for (let i = 0; i < 100 && !client.events.some((e) => e.type === "renewed"); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(server.refreshes, 1);
  await client.logout(); // stops the next timer
});

test("renews on focus when renewal is due and the timer did not run (a frozen or sleeping page)", async () => {
  const { server, clock, tab } = browser({ ttl: 60 });
  const window = new EventTarget();
  const client = tab({ autoRenew: false, window });
  await client.login("alice", "right");
  window.dispatchEvent(new Event("focus"));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(server.refreshes, 0, "not due yet: nothing to do");
  clock.t += 50_000; // still fresh, but past the renewal time (12-18 s before expiry)
  window.dispatchEvent(new Event("focus"));
  for (let i = 0; i < 100 && !client.events.some((e) => e.type === "renewed"); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(server.refreshes, 1);
  assert.ok(client.events.some((e) => e.type === "renewed"));
});

test("restore without a session is quietly false", async () => {
  const { tab } = browser();
  const client = tab();
  assert.equal(await client.restore(), false);
  assert.deepEqual(client.events, []);
});
