// The item edit page: "Set start" / "Set end" copy the player's current time into the typed
// fields, and "Play the clip" previews the range. The fields work on their own without it.

const player = document.getElementById("clip-player");
const startField = document.getElementById("start_s");
const endField = document.getElementById("end_s");
const status = document.getElementById("clip-status");
const buttons = document.querySelector(".clip-buttons");

function seconds(field) {
  const value = parseFloat(field.value);
  return Number.isFinite(value) ? value : null;
}

function clock(total) {
  const s = Math.floor(total);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
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
    startField.value = now.toFixed(1);
    const end = seconds(endField);
    if (end !== null && end <= now) endField.value = "";
    status.textContent = `Start set to ${clock(now)} (${now.toFixed(1)} s).`;
  });

  document.getElementById("set-end").addEventListener("click", () => {
    const now = Math.round(player.currentTime * 10) / 10;
    const start = seconds(startField) || 0;
    if (now <= start) {
      status.textContent = "The end must come after the start: play further, then set the end.";
      return;
    }
    endField.value = now.toFixed(1);
    status.textContent = `End set to ${clock(now)} (${now.toFixed(1)} s).`;
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
