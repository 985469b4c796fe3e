// What the browser tests share: the native CLI, vaults made with it, the
// static server and headless Chromium (Debian's, driven by playwright-core).

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

import { serve } from "../serve.mjs";

export const webDir = fileURLToPath(new URL("..", import.meta.url));
const repo = resolve(webDir, "..");

/** The native `vaultseal` binary: $VAULTSEAL_BIN, or the release build. */
export const vaultsealBin =
  process.env.VAULTSEAL_BIN ??
  join(resolve(repo, process.env.CARGO_TARGET_DIR ?? "target"), "release", "vaultseal");

/** Run the native CLI in `cwd`; its standard output. */
export function cli(cwd, ...args) {
  return execFileSync(vaultsealBin, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** A fresh directory for one test's files. */
export function scratch(name) {
  return mkdtempSync(join(tmpdir(), `vaultseal-web-${name}-`));
}

/**
 * A vault made by the native CLI in `dir`: `<name>.key`, `<name>.record`
 * (with the network's figures, so that it can be selected).
 */
export function makeVault(dir, name, region) {
  cli(dir, "vault", "keygen", "-o", `${name}.key`);
  cli(dir, "vault", "record", "-k", `${name}.key`, "--region", region,
    "--endpoint", `https://${name}.vault.example`, "--epoch", "1", "-o", `${name}.unrated`);
  cli(dir, "vault", "metrics", "--record", `${name}.unrated`, "--reputation", "900",
    "--capacity", "1048576", "-o", `${name}.record`);
  return { key: join(dir, `${name}.key`), record: join(dir, `${name}.record`) };
}

/**
 * Copy of an armored file with one bit of its body flipped `fromEnd` bytes
 * before the end (re-armored, so it still parses: only the proof breaks).
 */
export function tamper(path, out, fromEnd) {
  const text = readFileSync(path, "utf8");
  const [begin, ...rest] = text.trim().split("\n");
  const end = rest.pop();
  const bytes = Buffer.from(rest.join(""), "base64");
  bytes[bytes.length - fromEnd] ^= 1;
  const body = bytes.toString("base64").match(/.{1,64}/g).join("\n");
  writeFileSync(out, `${begin}\n${body}\n${end}\n`);
  return out;
}

/** Debian's Chromium, headless, with no background networking. */
export async function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}

/** Serve `web/` on 127.0.0.1 (a free port); `{ server, url }`. */
export async function serveWeb() {
  const server = await serve(webDir, 0);
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

/**
 * A page of `browser` that refuses every request outside `origin` (the page
 * makes none: a request elsewhere fails the test).
 */
export async function openPage(browser, origin, outside) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith("blob:") || url.startsWith("data:")) return route.continue();
    outside.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  return { context, page, errors };
}
