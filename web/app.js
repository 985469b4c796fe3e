// The web console's create-project page. All cryptography runs in a Web
// Worker (worker.js): this thread only moves strings and updates the page.

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
let nextId = 0;
const pending = new Map();

// A worker that fails to load (or crashes) fails every pending call.
worker.onerror = (event) => {
  event.preventDefault?.();
  const error = Object.assign(new Error(`the worker failed: ${event.message ?? "it did not load"}`), { kind: "other" });
  for (const call of pending.values()) call.reject(error);
  pending.clear();
};

worker.onmessage = (event) => {
  const { id, progress, result, error } = event.data;
  const call = pending.get(id);
  if (!call) return;
  if (progress) return call.onProgress?.(progress);
  pending.delete(id);
  if (error) call.reject(Object.assign(new Error(error.message), { kind: error.kind }));
  else call.resolve(result);
};

/** Call the package in the worker: a promise of the result. */
function call(name, options, onProgress) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject, onProgress });
    worker.postMessage({ id, call: name, options });
  });
}

// Main-thread long tasks (> 50 ms), for the end-to-end test's check that
// creation never blocks the page.
window.__longTasks = [];
try {
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      window.__longTasks.push({ start: entry.startTime, duration: entry.duration });
    }
  }).observe({ type: "longtask", buffered: true });
} catch {
  // No Long Tasks API in this browser.
}

const $ = (selector, root = document) => root.querySelector(selector);

// ---- tabs ----
for (const tab of document.querySelectorAll('[role="tab"]')) {
  tab.addEventListener("click", () => {
    for (const other of document.querySelectorAll('[role="tab"]')) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      $("#" + other.getAttribute("aria-controls")).hidden = !selected;
    }
  });
}

// ---- vault records ----
/** Every record loaded: { text, report, chosen }. */
const records = [];

async function addRecords(texts) {
  const found = texts.flatMap(splitArmor);
  if (found.length === 0) return;
  const reports = await call("verifyVaultRecords", { records: found });
  found.forEach((text, i) => {
    if (!records.some((r) => r.text === text)) records.push({ text, report: reports[i], chosen: false });
  });
  renderRecords();
}

/** Split pasted or loaded text into its armored blocks. */
function splitArmor(text) {
  const blocks = text.match(/-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----/g);
  return blocks ? blocks.map((b) => b + "\n") : text.trim() ? [text] : [];
}

function renderRecords() {
  const body = $("#records tbody");
  body.replaceChildren();
  for (const [i, record] of records.entries()) {
    const { report } = record;
    const row = document.createElement("tr");
    row.className = report.ok ? "valid" : "invalid";
    row.dataset.index = String(i);
    const box = document.createElement("input");
    box.type = "checkbox";
    box.disabled = !report.ok;
    box.checked = report.ok && record.chosen;
    box.setAttribute("aria-label", `use vault ${i + 1}`);
    box.addEventListener("change", () => (record.chosen = box.checked));
    const status = report.ok ? "valid" : `invalid: ${report.error}`;
    const figures = report.reputation === undefined ? "—" : `${report.reputation} · ${report.freeCapacity}`;
    const cells = [box, report.region ?? "—", report.endpoint ?? "—", report.epoch ?? "—",
      report.fingerprint ?? "—", figures, status];
    for (const content of cells) {
      const cell = document.createElement("td");
      if (content instanceof Node) cell.append(content);
      else cell.textContent = String(content);
      row.append(cell);
    }
    row.lastChild.className = "status";
    body.append(row);
  }
  $("#records").hidden = records.length === 0;
}

$("#records-file").addEventListener("change", async (event) => {
  const texts = await Promise.all([...event.target.files].map((file) => file.text()));
  await addRecords(texts).catch(showError("#select-status"));
  event.target.value = "";
});
$("#records-add").addEventListener("click", async () => {
  await addRecords([$("#records-paste").value]).catch(showError("#select-status"));
  $("#records-paste").value = "";
});

// ---- owner key ----
let ownerKey = null;
let ownerPublicKey = null;

function setOwner(secretKey, publicKey) {
  clearSelection();
  ownerKey = secretKey;
  ownerPublicKey = publicKey;
  $("#owner-public").textContent = publicKey;
  const link = $("#owner-download");
  URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([secretKey], { type: "application/x-pem-file" }));
  link.hidden = false;
}

$("#owner-generate").addEventListener("click", async () => {
  try {
    const key = await call("generateOwnerKey", {});
    setOwner(key.secretKey, key.publicKey);
  } catch (error) {
    showError("#create-status")(error);
  }
});
$("#owner-file").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  const text = await file.text();
  try {
    const { publicKey } = await call("ownerPublicKey", { ownerKey: text });
    setOwner(text, publicKey);
  } catch (error) {
    showError("#create-status")(error);
  }
});

// ---- selection ----
/** The selection ranks for one owner and project: changing either clears it. */
function clearSelection() {
  if (!records.some((r) => r.chosen)) return;
  for (const record of records) record.chosen = false;
  renderRecords();
  $("#select-status").textContent = "";
}
$("#project-name").addEventListener("input", clearSelection);

function policy() {
  const regions = $("#policy-regions").value.split(",").map((r) => r.trim()).filter(Boolean);
  return {
    count: Number($("#policy-count").value),
    regions,
    minReputation: Number($("#policy-reputation").value || 0),
    minCapacity: Number($("#policy-capacity").value || 0),
  };
}

$("#select").addEventListener("click", async () => {
  const status = $("#select-status");
  try {
    if (!ownerPublicKey) throw new Error("generate or load the owner key first");
    const chosen = await call("selectVaults", {
      records: records.map((r) => r.text),
      projectName: $("#project-name").value,
      ownerPublicKey,
      ...policy(),
    });
    for (const record of records) record.chosen = chosen.includes(record.text);
    renderRecords();
    status.textContent = `${chosen.length} vault(s) selected`;
    status.className = "ok";
  } catch (error) {
    showError("#select-status")(error);
  }
});

// ---- create ----
let registrationUrl = null;

$("#create").addEventListener("click", async () => {
  const status = $("#create-status");
  const button = $("#create");
  const steps = [...document.querySelectorAll("#progress li")];
  try {
    if (!ownerKey) throw new Error("generate or load the owner key first");
    const vaults = records.filter((r) => r.chosen && r.report.ok).map((r) => r.text);
    if (vaults.length === 0) throw new Error("choose at least one valid vault");
    button.disabled = true;
    $("#result").hidden = true;
    $("#progress").hidden = false;
    for (const step of steps) step.className = "";
    steps[0].className = "running";
    status.textContent = "working…";
    status.className = "muted";
    window.__creation = { start: performance.now() };
    const result = await call(
      "createRegistration",
      {
        ownerKey,
        projectName: $("#project-name").value,
        configRepository: $("#config-repo").value,
        codeRepository: $("#code-repo").value,
        vaults,
      },
      (event) => {
        const at = steps.findIndex((li) => li.dataset.step === `${event.step}:${event.role ?? ""}`);
        if (at >= 0) steps[at].className = "done";
        if (steps[at + 1]) steps[at + 1].className = "running";
      },
    );
    window.__creation.end = performance.now();
    window.__creation.millis = result.millis;
    showResult(result);
    status.textContent = `done in ${(result.millis / 1000).toFixed(2)} s`;
    status.className = "ok";
  } catch (error) {
    for (const step of steps) if (step.className === "running") step.className = "failed";
    showError("#create-status")(error);
  } finally {
    button.disabled = false;
  }
});

function showResult(result) {
  $("#result-project").textContent = result.projectId;
  for (const role of ["config", "code"]) {
    const repo = result[role];
    const box = $(`.repo[data-role="${role}"]`);
    box.replaceChildren($("#repo-template").content.cloneNode(true));
    $("h3", box).textContent = `${role === "config" ? "Config" : "Code"} repository · ${repo.repository}`;
    $(".line", box).textContent = repo.deployKeyOpenssh;
    $(".fingerprint", box).textContent = repo.fingerprint;
    $(".copy", box).addEventListener("click", () => copy(repo.deployKeyOpenssh, $(".copy", box)));
    const secret = $(".secret", box);
    const reveal = $(".reveal", box);
    reveal.addEventListener("click", () => {
      const shown = reveal.textContent === "Hide";
      secret.textContent = shown ? "••••••••••••••••" : repo.webhookSecret;
      reveal.textContent = shown ? "Show" : "Hide";
    });
    $(".copy-secret", box).addEventListener("click", () => copy(repo.webhookSecret, $(".copy-secret", box)));
  }
  if (registrationUrl) URL.revokeObjectURL(registrationUrl);
  registrationUrl = URL.createObjectURL(new Blob([result.registration], { type: "application/x-pem-file" }));
  $("#registration-download").href = registrationUrl;
  $("#result").hidden = false;
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.textContent = "Copied";
  } catch {
    button.textContent = "Copy failed";
  }
  setTimeout(() => (button.textContent = "Copy"), 1500);
}

function showError(selector) {
  return (error) => {
    const status = $(selector);
    status.textContent = error.kind ? `${error.message} (${error.kind})` : error.message;
    status.className = "error";
  };
}

// ---- verify tab ----
async function verifyFiles(files) {
  let reports;
  try {
    const texts = await Promise.all(files.map((file) => file.text()));
    reports = await call("verify", { items: texts });
  } catch (error) {
    showError("#verify-status")(error);
    return;
  }
  $("#verify-status").textContent = "";
  const body = $("#verify-results tbody");
  body.replaceChildren();
  files.forEach((file, i) => {
    const row = document.createElement("tr");
    const report = reports[i];
    row.className = report.ok ? "valid" : "invalid";
    for (const text of [file.name, report.kind, report.ok ? "valid" : `invalid: ${report.error}`]) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    row.lastChild.className = "status";
    body.append(row);
  });
  $("#verify-results").hidden = false;
}

const dropzone = $("#dropzone");
dropzone.addEventListener("dragover", (event) => {
  event.preventDefault();
  dropzone.classList.add("over");
});
dropzone.addEventListener("dragleave", () => dropzone.classList.remove("over"));
dropzone.addEventListener("drop", (event) => {
  event.preventDefault();
  dropzone.classList.remove("over");
  verifyFiles([...event.dataTransfer.files]);
});
dropzone.addEventListener("keydown", (event) => {
  if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    $("#verify-file").click();
  }
});
$("#verify-file").addEventListener("change", (event) => verifyFiles([...event.target.files]));
