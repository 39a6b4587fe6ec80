// What the volunteer sees and hears: the full-screen verdict, a beep, a vibration.

const root = document.getElementById("scanner");
export const locale = root.dataset.locale;
export const messages = JSON.parse(document.getElementById("scanner-messages").textContent);

export function t(key, values = {}) {
  let text = messages[key] || key;
  for (const [name, value] of Object.entries(values)) text = text.replace(`{${name}}`, value);
  return text;
}

export function formatTime(iso) {
  return new Intl.DateTimeFormat(locale, {
    timeZone: "Europe/Paris",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
}

const COLOURS = { ok: "ok", already_checked_in: "already" };
const TONES = {
  ok: [[880, 0.15]],
  exit: [[660, 0.1]],
  already: [[660, 0.12], [660, 0.12]],
  refused: [[220, 0.5]],
};
const BUZZ = { ok: [80], exit: [40], already: [80, 80, 80], refused: [400] };
let audio = null;

// Browsers start audio only after a gesture: the first tap or key unlocks it.
export function unlockAudio() {
  if (!audio && window.AudioContext) audio = new AudioContext();
  if (audio && audio.state === "suspended") audio.resume();
}

function beep(kind) {
  if (!audio) return;
  let at = audio.currentTime;
  for (const [frequency, seconds] of TONES[kind]) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = frequency;
    gain.gain.value = 0.3;
    osc.connect(gain).connect(audio.destination);
    osc.start(at);
    osc.stop(at + seconds);
    at += seconds + 0.08;
  }
}

const verdict = document.getElementById("verdict");
const live = document.getElementById("verdict-live");
let hideTimer = null;
let announceTimer = null;

// Empty the live region first, so that the same verdict twice in a row is read twice.
function announce(text) {
  live.textContent = "";
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => {
    live.textContent = text;
  }, 50);
}

export function hideVerdict() {
  verdict.hidden = true;
  verdict.dataset.result = "";
  verdict.dataset.kind = "";
  for (const id of ["verdict-title", "verdict-name", "verdict-detail"]) {
    document.getElementById(id).textContent = "";
  }
}

function detailLines(answer, placeName) {
  const lines = [];
  if (answer.first_entry) {
    const place = [placeName(answer.first_entry.checkpoint_id), answer.first_entry.device]
      .filter(Boolean)
      .join(" · ");
    lines.push(t("first_entry", { time: formatTime(answer.first_entry.at), place }));
  }
  for (const booking of answer.bookings || []) {
    if (booking.title) lines.push(`${booking.title} (${t("booking_" + booking.status)})`);
  }
  if (answer.message) lines.push(answer.message);
  if (answer.offline) lines.push(t("offline_decision"));
  return lines.join("\n");
}

export function showVerdict(answer, placeName) {
  const result = messages[answer.result] ? answer.result : "error";
  // An accepted exit scan is not an admission: its own word and colour.
  const exit = result === "ok" && answer.direction === "out";
  const kind = exit ? "exit" : COLOURS[result] || "refused";
  const attendee = answer.attendee || {};
  let name = attendee.name || "";
  if (attendee.group_size > 1) name += ` — ${t("people", { n: attendee.group_size })}`;
  const title = exit ? t("exit_ok") : t(result);
  const detail = detailLines(answer, placeName);
  document.getElementById("verdict-title").textContent = title;
  document.getElementById("verdict-name").textContent = name;
  document.getElementById("verdict-detail").textContent = detail;
  verdict.className = `verdict verdict-${kind}`;
  verdict.dataset.result = result;
  verdict.dataset.kind = kind;
  verdict.hidden = false;
  announce([title, name, detail].filter(Boolean).join(". "));
  beep(kind);
  if (navigator.vibrate) navigator.vibrate(BUZZ[kind]);
  clearTimeout(hideTimer);
  hideTimer = setTimeout(hideVerdict, kind === "ok" ? 2500 : 5000);
}

export function isVerdictShown() {
  return !verdict.hidden;
}

verdict.addEventListener("click", hideVerdict);

export function setText(id, text) {
  document.getElementById(id).textContent = text;
}
