// The item edit page: "Set start" / "Set end" copy the player's current time into the typed
// fields, and "Play the clip" previews the range. The fields work on their own without it.

const player = document.getElementById("clip-player");
const startField = document.getElementById("start_s");
const endField = document.getElementById("end_s");
const status = document.getElementById("clip-status");
const buttons = document.querySelector(".clip-buttons");

// The fields take m:ss (or h:mm:ss, or plain seconds), as the server does (forms_support.py).
function seconds(field) {
  const text = field.value.trim();
  if (!text) return null;
  const parts = text.split(":");
  if (parts.length > 3 || parts.some((part) => part.trim() === "")) return null;
  let total = 0;
  for (const part of parts.slice(0, -1)) {
    if (!/^\d+$/.test(part.trim())) return null;
    total = total * 60 + Number(part);
  }
  const last = Number(parts[parts.length - 1]);
  return Number.isFinite(last) ? total * 60 + last : null;
}

// m:ss, with the tenth of a second when there is one (1:05.5).
function clock(total) {
  const tenths = Math.round(total * 10);
  const whole = Math.floor(tenths / 10);
  const tenth = tenths % 10;
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, "0");
  const text = hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
  return tenth ? `${text}.${tenth}` : text;
}

if (player && startField && endField && buttons) {
  buttons.hidden = false;
  let previewEnd = null;

  const toSavedStart = () => {
    const start = seconds(startField);
    if (start !== null && start < player.duration) player.currentTime = start;
  };
  // The metadata may have arrived before this module ran (a busy machine): then no
  // loadedmetadata is coming.
  if (player.readyState >= HTMLMediaElement.HAVE_METADATA) toSavedStart();
  else player.addEventListener("loadedmetadata", toSavedStart, { once: true });

  document.getElementById("set-start").addEventListener("click", () => {
    const now = Math.round(player.currentTime * 10) / 10;
    startField.value = clock(now);
    const end = seconds(endField);
    if (end !== null && end <= now) endField.value = "";
    status.textContent = `Start set to ${clock(now)}.`;
  });

  document.getElementById("set-end").addEventListener("click", () => {
    const now = Math.round(player.currentTime * 10) / 10;
    const start = seconds(startField) || 0;
    if (now <= start) {
      status.textContent = "The end must come after the start: play further, then set the end.";
      return;
    }
    endField.value = clock(now);
    status.textContent = `End set to ${clock(now)}.`;
  });

  document.getElementById("preview-clip").addEventListener("click", () => {
    previewEnd = seconds(endField);
    player.currentTime = seconds(startField) || 0;
    player.play();
  });

  player.addEventListener("timeupdate", () => {
    if (previewEnd !== null && player.currentTime >= previewEnd) {
      player.pause();
      previewEnd = null;
    }
  });
}
