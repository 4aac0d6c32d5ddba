#!/usr/bin/env node
// The demo app's static server (`make up` starts it on http://localhost:3000; docker-compose
// too). Serves a fixed list of files from Clients/web and /config.json, which tells the page
// the issuer's and the resources' ports; the page reaches them on its own host name, so that
// localhost:3000 and localhost:8080 stay one site and the SameSite=Strict refresh cookie flows.
//   HOST (127.0.0.1), PORT (3000), ISSUER_PORT (8080), RESOURCE_PORTS ("8082 8083")
import { readFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const host = process.env.HOST || "127.0.0.1";
const port = Number(process.env.PORT || 3000);
const issuerPort = Number(process.env.ISSUER_PORT || 8080);
const resourcePorts = (process.env.RESOURCE_PORTS || "8082 8083").split(/[\s,]+/).filter(Boolean).map(Number);

const files = {
  "/": ["demo/index.html", "text/html; charset=utf-8"],
  "/demo/app.js": ["demo/app.js", "text/javascript; charset=utf-8"],
  "/demo/demo.css": ["demo/demo.css", "text/css; charset=utf-8"],
  "/src/token-client.js": ["src/token-client.js", "text/javascript; charset=utf-8"],
};

const server = http.createServer(async (request, response) => {
  const { pathname } = new URL(request.url || "/", "http://demo");
  const headers = { "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer" };
  if (pathname === "/healthz" || pathname === "/readyz") {
    response.writeHead(200, { ...headers, "Content-Type": "text/plain" }).end("ok\n");
    return;
  }
  if (pathname === "/favicon.ico") {
    response.writeHead(204, headers).end();
    return;
  }
  if (pathname === "/config.json") {
    response.writeHead(200, { ...headers, "Content-Type": "application/json" }).end(JSON.stringify({ issuerPort, resourcePorts }));
    return;
  }
  const file = Object.hasOwn(files, pathname) ? files[pathname] : undefined;
  if (!file || (request.method !== "GET" && request.method !== "HEAD")) {
    response.writeHead(file ? 405 : 404, { ...headers, "Content-Type": "text/plain" }).end("not found\n");
    return;
  }
  const [relative, type] = file;
  if (type.startsWith("text/html")) {
    // Only this page's own scripts, and connections only to the issuer and the resources:
    // an injected script is what could read an in-memory token, so none may run.
    const name = (request.headers.host || "localhost").replace(/:\d+$/, "").replace(/[^A-Za-z0-9.[\]:-]/g, "");
    const origins = [issuerPort, ...resourcePorts].map((p) => `http://${name}:${p}`).join(" ");
    headers["Content-Security-Policy"] =
      `default-src 'self'; connect-src 'self' ${origins}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
  }
  response.writeHead(200, { ...headers, "Content-Type": type }).end(await readFile(path.join(root, relative)));
});
server.listen(port, host, () => console.log(`demo: http://localhost:${port} (issuer :${issuerPort}, resources :${resourcePorts.join(", :")})`));
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)));
