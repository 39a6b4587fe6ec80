// The scanner page: camera, typed code, name search, walk-ins, undo; online first, and when
// the network fails it decides from the offline pack and queues the scan for later sync.

import { admissionAfter, admissionKeyFor, decideOffline } from "./offline.js";
import * as store from "./store.js";
import { hideVerdict, isVerdictShown, setText, showVerdict, t, unlockAudio } from "./ui.js";

const API = "/api/v1";
const root = document.getElementById("scanner");
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;
const SAME_CODE_COOLDOWN_MS = 4000; // one QR held in front of the camera is one scan
const UNDO_WINDOW_MS = 3 * 60 * 1000;
const SYNC_EVERY_MS = 15000;
const PACK_EVERY_MS = 5 * 60 * 1000;
const REQUEST_TIMEOUT_MS = 5000;

const state = { checkpoints: [], pack: null, lastScan: null, recent: new Map(), syncing: false };

function device() {
  let id = localStorage.getItem("scanner.deviceId");
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem("scanner.deviceId", id);
  }
  return { id, name: localStorage.getItem("scanner.deviceName") || `scanner-${id.slice(0, 4)}` };
}

class NetworkError extends Error {}

// Any answer from the server resolves; only "no answer" (offline, timeout) throws NetworkError.
async function api(path, body) {
  if (!navigator.onLine) throw new NetworkError("offline");
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  const options = { signal: controller.signal, credentials: "same-origin", headers: {} };
  if (body !== undefined) {
    options.method = "POST";
    options.body = JSON.stringify(body);
    options.headers = { "Content-Type": "application/json", "X-CSRFToken": csrfToken };
  }
  try {
    const response = await fetch(API + path, options);
    const data = await response.json().catch(() => ({}));
    return { ok: response.ok, status: response.status, data };
  } catch (error) {
    throw new NetworkError(String(error));
  } finally {
    clearTimeout(timer);
  }
}

function checkpointId() {
  return Number(document.getElementById("checkpoint").value) || null;
}

function currentCheckpoint() {
  return state.checkpoints.find((c) => c.id === checkpointId()) || null;
}

// Exit scans exist only at a venue's entrance; anywhere else every scan is an entry.
function direction() {
  const checkpoint = currentCheckpoint();
  if (!checkpoint || checkpoint.kind !== "venue") return "in";
  return document.querySelector('input[name="direction"]:checked')?.value === "out" ? "out" : "in";
}

function showDirectionSwitch() {
  const checkpoint = currentCheckpoint();
  const atEntrance = !!checkpoint && checkpoint.kind === "venue";
  document.getElementById("direction").hidden = !atEntrance;
  root.dataset.direction = direction();
}

function placeName(id) {
  const found = state.checkpoints.find((c) => c.id === id);
  return found ? found.name : "";
}

// ---- status bar -------------------------------------------------------------------------

async function refreshStatus() {
  const online = navigator.onLine;
  const net = document.getElementById("net-status");
  net.dataset.online = String(online);
  net.textContent = online ? t("online") : t("offline");
  setText("queue-status", t("queue", { n: await store.countQueued() }));
  setText(
    "pack-status",
    state.pack
      ? t("pack_age", { time: new Date(state.pack.generated_at).toLocaleTimeString() })
      : t("no_pack"),
  );
}

// ---- checkpoints and offline pack ---------------------------------------------------------

async function loadCheckpoints() {
  try {
    const answer = await api("/checkpoints");
    if (answer.ok) {
      state.checkpoints = answer.data.checkpoints;
      localStorage.setItem("scanner.checkpoints", JSON.stringify(state.checkpoints));
      return;
    }
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
  }
  state.checkpoints = JSON.parse(localStorage.getItem("scanner.checkpoints") || "[]");
}

function fillSelect(select, options, chosen) {
  select.replaceChildren(
    ...options.map(([value, label]) => {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = label;
      option.selected = String(value) === String(chosen);
      return option;
    }),
  );
}

function fillCheckpointSelect() {
  const venueId = Number(document.getElementById("venue").value);
  const here = state.checkpoints.filter((c) => c.venue_id === venueId);
  fillSelect(
    document.getElementById("checkpoint"),
    here.map((c) => [c.id, c.name]),
    localStorage.getItem("scanner.checkpoint"),
  );
}

function fillVenueSelect() {
  const venues = new Map();
  for (const c of state.checkpoints) {
    if (c.kind === "venue" || !venues.has(c.venue_id)) venues.set(c.venue_id, c.name);
  }
  const saved = state.checkpoints.find(
    (c) => String(c.id) === localStorage.getItem("scanner.checkpoint"),
  );
  fillSelect(document.getElementById("venue"), [...venues], saved && saved.venue_id);
  fillCheckpointSelect();
}

async function refreshPack() {
  const id = checkpointId();
  if (!id) return;
  try {
    const answer = await api(`/offline-pack?checkpoint_id=${id}`);
    if (answer.ok) await store.savePack(answer.data);
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
  }
  state.pack = (await store.loadPack(id)) || null;
  root.dataset.pack = state.pack ? "ready" : "";
  root.dataset.packCheckpoint = state.pack ? String(state.pack.checkpoint.id) : "";
  await refreshStatus();
}

async function chooseCheckpoint() {
  localStorage.setItem("scanner.checkpoint", String(checkpointId() || ""));
  showDirectionSwitch();
  state.pack = (await store.loadPack(checkpointId())) || null;
  await refreshPack();
}

// ---- scanning ----------------------------------------------------------------------------

// Keep this scanner's copy of the admission in step (entered, exited), so that its offline
// decisions agree with the server's; give what undo needs to put the copy back.
async function rememberAdmission(code, answer, scan) {
  if (answer.result !== "ok" || !state.pack) return null;
  const now = new Date();
  const key = answer.admission_key || admissionKeyFor(code, state.pack, now);
  const after = await admissionAfter(key, answer, scan, state.pack, now);
  if (!after) return null;
  const before = (await store.getAdmission(key)) || null;
  await store.putAdmission(after);
  return { key, before };
}

async function decideLocally(scan) {
  if (!state.pack) return { result: "error" };
  const answer = await decideOffline(
    scan.code,
    state.pack,
    new Date(),
    root.dataset.nobleUrl,
    scan.direction,
  );
  await store.queueScan({ ...scan, offline: true });
  return { ...answer, offline: true };
}

export async function submitCode(rawCode) {
  const code = rawCode.trim();
  if (!code) return;
  if (!checkpointId()) return showVerdict({ result: "error" }, placeName);
  const scan = {
    code,
    checkpoint_id: checkpointId(),
    nonce: crypto.randomUUID(),
    scanned_at: new Date().toISOString(),
    direction: direction(),
    device: device(),
  };
  let answer;
  try {
    const response = await api("/checkins", scan);
    // A server that cannot decide (database down, 5xx) is no better than no network.
    if (response.status >= 500) throw new NetworkError(`HTTP ${response.status}`);
    answer = response.data.result
      ? response.data
      : { result: "error", message: response.data.error?.message };
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    answer = await decideLocally(scan);
  }
  const admission = await rememberAdmission(code, answer, scan);
  state.lastScan = { nonce: scan.nonce, at: Date.now(), offline: !!answer.offline, admission };
  document.getElementById("undo").hidden = false;
  showVerdict({ ...answer, direction: scan.direction }, placeName);
  await refreshStatus();
}

// ---- sync --------------------------------------------------------------------------------

export async function syncQueue() {
  if (state.syncing || !navigator.onLine) return;
  state.syncing = true;
  try {
    // The server decides in the order things happened at the door.
    const scans = (await store.queuedScans()).sort((a, b) => (a.scanned_at < b.scanned_at ? -1 : 1));
    for (let i = 0; i < scans.length; i += 100) {
      const chunk = scans.slice(i, i + 100);
      const response = await api("/checkins/batch", { scans: chunk });
      if (!response.ok) break; // signed out or refused as a whole: keep them for later
      await store.unqueueScans(chunk.map((s) => s.nonce));
    }
    for (const walkIn of await store.queuedWalkIns()) {
      const response = await api("/walk-ins", walkIn);
      if (response.ok || response.status === 400) await store.unqueueWalkIn(walkIn.nonce);
    }
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
  } finally {
    state.syncing = false;
    await refreshStatus();
  }
}

// ---- undo --------------------------------------------------------------------------------

async function undoLast() {
  const last = state.lastScan;
  document.getElementById("undo").hidden = true;
  if (!last || Date.now() - last.at > UNDO_WINDOW_MS) return setText("undo-status", t("undo_failed"));
  const queued = (await store.queuedScans()).some((s) => s.nonce === last.nonce);
  let done = queued;
  if (queued) {
    await store.unqueueScans([last.nonce]);
  } else {
    try {
      done = (await api("/checkins/undo", { nonce: last.nonce })).ok;
    } catch (error) {
      if (!(error instanceof NetworkError)) throw error;
    }
  }
  const admission = last.admission;
  if (done && admission) {
    if (admission.before) await store.putAdmission(admission.before);
    else await store.deleteAdmission(admission.key);
  }
  state.lastScan = null;
  setText("undo-status", done ? t("undone") : t("undo_failed"));
  await refreshStatus();
}

// ---- name search and walk-ins ------------------------------------------------------------

function searchOffline(q) {
  const needle = q.toLocaleLowerCase();
  return (state.pack ? state.pack.tickets : [])
    .filter((ticket) => ticket.name.toLocaleLowerCase().includes(needle))
    .slice(0, 20);
}

async function searchNames(q) {
  const list = document.getElementById("search-results");
  if (q.trim().length < 2) return list.replaceChildren(text("li", t("search_short")));
  let found;
  try {
    const answer = await api(`/attendees/search?q=${encodeURIComponent(q)}&checkpoint_id=${checkpointId()}`);
    found = answer.ok ? answer.data.attendees : [];
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    found = searchOffline(q);
  }
  if (!found.length) return list.replaceChildren(text("li", t("no_result")));
  list.replaceChildren(
    ...found.map((person) => {
      const button = text("button", person.group_size > 1 ? `${person.name} (${person.group_size})` : person.name);
      button.type = "button";
      button.addEventListener("click", () => submitCode(person.short_code));
      const item = document.createElement("li");
      item.append(button);
      return item;
    }),
  );
}

function text(tag, content) {
  const element = document.createElement(tag);
  element.textContent = content;
  return element;
}

async function walkIn(people, name, postalCode) {
  if (!checkpointId()) return setText("walk-in-status", t("choose_checkpoint"));
  const body = { checkpoint_id: checkpointId(), nonce: crypto.randomUUID(), people, device: device() };
  if (name) body.name = name;
  if (postalCode) body.postal_code = postalCode;
  try {
    const answer = await api("/walk-ins", body);
    setText(
      "walk-in-status",
      answer.ok ? t("walk_in_ok", { n: answer.data.walk_ins_today }) : answer.data.error?.message || t("error"),
    );
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    await store.queueWalkIn(body);
    setText("walk-in-status", t("walk_in_queued"));
  }
  await refreshStatus();
}

// ---- camera ------------------------------------------------------------------------------

// One QR held in front of the lens is decoded many times a second: submit it once, and again
// only when it is shown again after the cooldown (then the server answers "already in").
function isFreshDecode(code) {
  const now = Date.now();
  const last = state.recent.get(code);
  if (last && now - last < SAME_CODE_COOLDOWN_MS) return false;
  state.recent.set(code, now);
  return true;
}

async function startCamera() {
  const video = document.getElementById("camera");
  window.ZXingWASM.prepareZXingModule({
    overrides: {
      locateFile: (path, prefix) => (path.endsWith(".wasm") ? root.dataset.wasmUrl : prefix + path),
    },
  });
  try {
    video.srcObject = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: "environment", width: { ideal: 640 }, height: { ideal: 480 } },
      audio: false,
    });
    await video.play();
    root.dataset.camera = "on";
  } catch (error) {
    setText("camera-message", t("camera_error"));
    return;
  }
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  let frames = 0;
  const tick = async () => {
    try {
      if (!isVerdictShown() && video.videoWidth && checkpointId()) {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const results = await window.ZXingWASM.readBarcodes(image, { formats: ["QRCode"] });
        root.dataset.frames = String(++frames);
        const found = results.find((r) => r.isValid && r.text);
        if (found && isFreshDecode(found.text)) await submitCode(found.text);
      }
    } finally {
      setTimeout(tick, 150);
    }
  };
  tick();
}

// ---- wiring ------------------------------------------------------------------------------

function wire() {
  const codeInput = document.getElementById("code-input");
  document.getElementById("code-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const code = codeInput.value;
    codeInput.value = "";
    submitCode(code);
  });
  document.getElementById("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    searchNames(document.getElementById("search-input").value);
  });
  document.getElementById("walk-in-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    walkIn(Number(form.people.value), form.name.value.trim(), form.postal_code.value.trim());
    form.reset();
  });
  document.getElementById("plus-one").addEventListener("click", () => walkIn(1));
  document.getElementById("undo").addEventListener("click", undoLast);
  document.getElementById("venue").addEventListener("change", () => {
    fillCheckpointSelect();
    chooseCheckpoint();
  });
  document.getElementById("checkpoint").addEventListener("change", chooseCheckpoint);
  for (const radio of document.querySelectorAll('input[name="direction"]')) {
    radio.addEventListener("change", () => {
      showDirectionSwitch();
      codeInput.focus(); // a hardware scanner keeps typing into the code field
    });
  }
  document.addEventListener("pointerdown", unlockAudio);
  document.addEventListener("keydown", (event) => {
    unlockAudio();
    // A hardware scanner types into the page: keep it in the code field when nothing else is.
    const active = document.activeElement;
    if (isVerdictShown()) hideVerdict();
    if (!active || active === document.body) codeInput.focus();
    return event;
  });
  window.addEventListener("online", () => {
    syncQueue();
    refreshPack();
  });
  window.addEventListener("offline", refreshStatus);
}

async function main() {
  wire();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.dataset.swUrl, { scope: "/scan" }).catch(() => null);
    navigator.serviceWorker.ready.then(() => {
      root.dataset.sw = "ready";
    });
  }
  await loadCheckpoints();
  fillVenueSelect();
  await chooseCheckpoint();
  document.getElementById("code-input").focus();
  setInterval(syncQueue, SYNC_EVERY_MS);
  setInterval(refreshPack, PACK_EVERY_MS);
  syncQueue();
  root.dataset.ready = "true";
  startCamera();
}

main();
