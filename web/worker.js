// The Web Worker that runs vaultseal's WebAssembly: every call of the page
// goes through here, so the page's main thread never runs the cryptography
// (nor compiles the module) and stays responsive.
//
// Messages in:  { id, call, options }   call: one of CALLS below
// Messages out: { id, progress }        createRegistration's onProgress events
//               { id, result }          the call's return value
//               { id, error: { message, kind } }

import init, {
  createRegistration,
  generateOwnerKey,
  ownerPublicKey,
  selectVaults,
  verify,
  verifyVaultRecords,
} from "./pkg/vaultseal_wasm.js";

const ready = init();

const CALLS = {
  verifyVaultRecords: (options) => verifyVaultRecords(options.records),
  selectVaults: (options) => selectVaults(options),
  generateOwnerKey: () => generateOwnerKey(),
  ownerPublicKey: (options) => ({ publicKey: ownerPublicKey(options.ownerKey) }),
  createRegistration: (options, id) =>
    createRegistration({
      ...options,
      onProgress: (event) => self.postMessage({ id, progress: event }),
    }),
  verify: (options) => verify(options),
};

self.onmessage = async (event) => {
  const { id, call, options } = event.data;
  try {
    await ready;
    const run = CALLS[call];
    if (!run) throw Object.assign(new Error(`unknown call ${call}`), { kind: "options" });
    self.postMessage({ id, result: run(options ?? {}, id) });
  } catch (error) {
    self.postMessage({
      id,
      error: { message: String(error?.message ?? error), kind: error?.kind ?? "other" },
    });
  }
};
