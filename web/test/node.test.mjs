// The package built for Node (bindings/wasm/pkg/node, CommonJS): the same
// API outside a browser. A registration made through it is accepted by the
// native `vaultseal verify-registration`, and its errors carry their kind.

import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { test } from "node:test";

import { cli, makeVault, scratch, webDir } from "./support.mjs";

const require = createRequire(import.meta.url);
const vaultseal = require(join(webDir, "..", "bindings", "wasm", "pkg", "node", "vaultseal_wasm.js"));

test("the Node package makes a registration the native CLI accepts", () => {
  const dir = scratch("node");
  const vaults = [makeVault(dir, "one", "eu-west"), makeVault(dir, "two", "us-east")];
  const records = vaults.map((v) => readFileSync(v.record, "utf8"));

  const reports = vaultseal.verifyVaultRecords(records);
  assert.deepEqual(reports.map((r) => r.ok), [true, true]);
  const owner = vaultseal.generateOwnerKey();
  assert.equal(vaultseal.ownerPublicKey(owner.secretKey), owner.publicKey);
  const chosen = vaultseal.selectVaults({ records, projectName: "node", ownerPublicKey: owner.publicKey, count: 2 });
  assert.deepEqual([...chosen].sort(), [...records].sort());

  const steps = [];
  const created = vaultseal.createRegistration({
    ownerKey: owner.secretKey,
    projectName: "node",
    configRepository: "github:1",
    codeRepository: "github:2",
    vaults: chosen,
    onProgress: (event) => steps.push(event.step),
  });
  assert.deepEqual(steps, ["deploy-key", "webhook-secret", "deploy-key", "webhook-secret", "signature"]);
  const checked = vaultseal.verify({ items: [created.registration, ...records] });
  assert.deepEqual(checked.map((r) => [r.kind, r.ok]), [
    ["PROJECT REGISTRATION", true],
    ["VAULT RECORD", true],
    ["VAULT RECORD", true],
  ]);

  const registration = join(dir, "registration.pem");
  writeFileSync(registration, created.registration);
  const installed = join(dir, "installed");
  writeFileSync(installed, `github:1 ${created.config.deployKeyOpenssh}\ngithub:2 ${created.code.fingerprint}\n`);
  const out = join(dir, "opened");
  const report = cli(dir, "verify-registration", "-i", registration, "--records", ...vaults.map((v) => v.record),
    "-k", vaults[1].key, "-o", out, "--ownership", installed);
  assert.match(report, /^OK /);
  assert.equal(readFileSync(join(out, "code.webhook-secret"), "utf8").trim(), created.code.webhookSecret);

  assert.throws(() => vaultseal.createRegistration({ ownerKey: records[0] }), (error) => {
    assert.equal(error.name, "VaultsealError");
    assert.equal(error.kind, "wrong-kind");
    return true;
  });
  assert.throws(() => vaultseal.selectVaults({ records, projectName: "node", ownerPublicKey: owner.publicKey, count: 3 }),
    { kind: "invalid-input" });
});
