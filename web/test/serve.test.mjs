// The static server the tests and the README use: it serves web/ only, on
// 127.0.0.1, with the page's Content Security Policy as a header (what binds
// the Web Worker), and survives malformed requests.

import assert from "node:assert/strict";
import { request } from "node:http";
import { test } from "node:test";

import { CSP } from "../serve.mjs";
import { serveWeb } from "./support.mjs";

/** GET `path` raw (no URL normalisation by a client library). */
function get(port, path) {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "GET" }, (response) => {
      response.resume();
      response.on("end", () => resolve(response));
    });
    req.on("error", reject);
    req.end();
  });
}

test("serve.mjs: the policy header, the wasm type, and no way out of web/", async () => {
  const { server } = await serveWeb();
  const port = server.address().port;
  try {
    const page = await get(port, "/");
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers["content-security-policy"], CSP);
    const worker = await get(port, "/worker.js");
    assert.equal(worker.headers["content-security-policy"], CSP);
    assert.equal((await get(port, "/pkg/vaultseal_wasm_bg.wasm")).headers["content-type"], "application/wasm");
    assert.equal((await get(port, "/%")).statusCode, 400);
    assert.equal((await get(port, "/..%2fCargo.toml")).statusCode, 403);
    assert.equal((await get(port, "/../Cargo.toml")).statusCode === 200, false);
    // Still serving after the malformed requests.
    assert.equal((await get(port, "/index.html")).statusCode, 200);
  } finally {
    server.close();
  }
});
