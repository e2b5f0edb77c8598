// The watch page: start at ?t=SECONDS, switch quality keeping the position, and follow
// processing progress until the video is ready.

const player = document.getElementById("player");
if (player) {
  const start = Number(player.dataset.start || new URLSearchParams(location.search).get("t") || 0);
  if (start > 0) {
    player.addEventListener("loadedmetadata", () => { player.currentTime = start; }, { once: true });
  }
  const quality = document.getElementById("quality");
  if (quality) {
    quality.addEventListener("change", () => {
      const at = player.currentTime;
      const playing = !player.paused;
      player.src = quality.value;
      player.addEventListener("loadedmetadata", () => {
        player.currentTime = at;
        if (playing) player.play();
      }, { once: true });
    });
  }
}

const processing = document.getElementById("processing");
if (processing) {
  const text = document.getElementById("processing-text");
  const bar = document.getElementById("processing-bar");
  const poll = async () => {
    try {
      const response = await fetch(processing.dataset.statusUrl, { credentials: "same-origin" });
      const state = await response.json();
      bar.value = state.progress;
      bar.textContent = `${state.progress}%`;
      if (state.status === "ready" || state.status === "failed") {
        location.reload();
        return;
      }
      text.textContent = state.status === "queued" ? "Waiting for its turn to be processed…" : `Processing: ${state.progress}%`;
    } catch (ignored) { /* keep polling */ }
    setTimeout(poll, 2000);
  };
  setTimeout(poll, 1500);
}
