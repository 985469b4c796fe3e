// Creating a registration in headless Chromium: the page's own worker
// (worker.js, the package built for the web) makes one registration to two
// vaults made by the native CLI, RUNS times after a warm-up; prints the
// median, minimum and maximum of the worker's own timing (`millis`), and the
// .wasm size raw and gzipped. The native side is the criterion benchmark
// `registration/build_one_to_2_vaults` (benches/registration.rs):
//
//   cargo bench --bench registration -- build_one
//   (cd web && npm run bench)
//
// Needs web/pkg (bindings/wasm/build.sh) and the release CLI.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

import { launchChromium, makeVault, openPage, scratch, serveWeb, webDir } from "../test/support.mjs";

const RUNS = Number(process.env.RUNS ?? 21);

const dir = scratch("bench");
const vaults = [makeVault(dir, "one", "eu-west"), makeVault(dir, "two", "eu-west")];
const records = vaults.map((v) => readFileSync(v.record, "utf8"));

const web = await serveWeb();
const browser = await launchChromium();
try {
  const outside = [];
  const { page } = await openPage(browser, web.url, outside);
  await page.goto(web.url);
  const millis = await page.evaluate(
    async ({ records, runs }) => {
      const worker = new Worker("./worker.js", { type: "module" });
      let id = 0;
      const call = (name, options) =>
        new Promise((resolve, reject) => {
          const me = id++;
          worker.addEventListener("message", function listen(event) {
            if (event.data.id !== me || event.data.progress) return;
            worker.removeEventListener("message", listen);
            if (event.data.error) reject(new Error(event.data.error.message));
            else resolve(event.data.result);
          });
          worker.postMessage({ id: me, call: name, options });
        });
      const { secretKey } = await call("generateOwnerKey", {});
      const options = (i) => ({
        ownerKey: secretKey,
        projectName: `bench-${i}`,
        configRepository: "github:1",
        codeRepository: "github:2",
        vaults: records,
      });
      for (let i = 0; i < 3; i++) await call("createRegistration", options(i)); // warm-up
      const times = [];
      for (let i = 0; i < runs; i++) times.push((await call("createRegistration", options(i))).millis);
      return times;
    },
    { records, runs: RUNS },
  );
  millis.sort((a, b) => a - b);
  const median = millis[Math.floor(millis.length / 2)];
  console.log(
    `createRegistration in Chromium (${browser.version()}), 2 vaults, ${RUNS} runs: ` +
      `median ${median.toFixed(1)} ms, min ${millis[0].toFixed(1)} ms, max ${millis.at(-1).toFixed(1)} ms`,
  );
  const wasm = readFileSync(join(webDir, "pkg", "vaultseal_wasm_bg.wasm"));
  console.log(`vaultseal_wasm_bg.wasm: ${wasm.length} bytes raw, ${gzipSync(wasm, { level: 9 }).length} gzipped`);
  if (outside.length) throw new Error(`requests beyond the origin: ${outside}`);
} finally {
  await browser.close();
  web.server.close();
}
