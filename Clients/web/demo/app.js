// @ts-check
// The demo page: every flow of the client on one page. `window.demo` is what the browser
// tests (../test/browser) drive. Test switches: ?autorenew=0 (no renewal timer), ?locks=0
// (behave as a browser without Web Locks).
import { AuthError, createTokenClient } from "../src/token-client.js";

const params = new URLSearchParams(location.search);
const config = await (await fetch("/config.json")).json();
const at = (/** @type {number} */ port) => `${location.protocol}//${location.hostname}:${port}`;
const issuer = at(config.issuerPort);
const resources = config.resourcePorts.map(at);
const client = createTokenClient({
  issuer,
  apiOrigins: resources,
  autoRenew: params.get("autorenew") !== "0",
  locks: params.get("locks") === "0" ? null : undefined,
});

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @type {{type: string, at: number, detail: any}[]} */
const events = [];

/** @param {any} e */
function describe(e) {
  if (e instanceof AuthError) return { status: e.status, error: e.error, description: e.description, retryAfter: e.retryAfter };
  return { status: 0, error: String(e) };
}

/** @param {any} e */
function showError(e) {
  const d = describe(e);
  $("error").textContent = `${d.status} ${d.error}${d.description ? ": " + d.description : ""}${d.retryAfter ? ` (retry after ${d.retryAfter} s)` : ""}`;
  return d;
}

/**
 * Calls a resource; the answer (or the refusal) as plain data.
 * @param {string} url
 */
async function call(url) {
  try {
    const res = await client.fetch(url);
    const body = await res.json().catch(() => null);
    $("output").textContent = `${res.status} ${url}\n${JSON.stringify(body, null, 2)}`;
    return { status: res.status, body };
  } catch (e) {
    return showError(e);
  }
}

function render() {
  const claims = client.claims();
  $("state").textContent = claims ? `signed in as ${claims.sub} (${(claims.roles || []).join(", ")})` : "signed out";
  const exp = client.expiresAt();
  $("remaining").textContent = exp ? `access token: ${Math.max(0, Math.round((exp - Date.now()) / 1000))} s left` : "";
}

for (const type of ["signedin", "renewed", "signedout", "refresherror"]) {
  client.addEventListener(type, (event) => {
    const detail = /** @type {CustomEvent} */ (event).detail || {};
    events.push({ type, at: Date.now(), detail: { ...detail, error: detail.error && describe(detail.error) } });
    const item = document.createElement("li");
    item.textContent = `${new Date().toLocaleTimeString()} ${type} ${detail.reason || detail.source || (detail.error && detail.error.error) || ""}`;
    $("log").prepend(item);
    render();
  });
}

for (const base of resources) {
  const row = document.createElement("p");
  for (const path of ["/api/me", "/api/orders", "/api/admin/audit"]) {
    const button = document.createElement("button");
    button.textContent = `GET ${path} on ${new URL(base).host}`;
    button.onclick = () => call(base + path);
    row.append(button);
  }
  $("calls").append(row);
}

$("login").addEventListener("submit", async (/** @type {Event} */ event) => {
  event.preventDefault();
  const form = new FormData(/** @type {HTMLFormElement} */ (event.target));
  $("error").textContent = "";
  await client.login(String(form.get("username")), String(form.get("password"))).catch(showError);
});
$("refresh").onclick = () => client.refresh().catch(showError);
$("logout").onclick = () => client.logout().catch(showError);
$("logout-all").onclick = () => client.logoutEverywhere().catch(showError);
setInterval(render, 500);

const ready = client.restore().catch((/** @type {any} */ e) => (showError(e), false)).finally(render);

/** What the browser tests use: the page's own client, never a second one. */
Object.assign(window, { demo: { client, issuer, resources, events, call, describe, ready } });
