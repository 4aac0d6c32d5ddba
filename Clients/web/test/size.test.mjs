// The core bundle stays small: at most 4 kB minified and gzipped (issue 19). ../build makes it.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { gzipSync } from "node:zlib";

test("the minified client is at most 4 kB gzipped", () => {
  const minified = readFileSync(new URL("../dist/token-client.min.js", import.meta.url));
  const gzipped = gzipSync(minified, { level: 9 }).length;
  assert.ok(gzipped <= 4096, `${gzipped} bytes gzipped`);
  assert.ok(minified.length < 12_000, `${minified.length} bytes minified`);
});
