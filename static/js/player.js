// The watch page: start at ?t=SECONDS, switch quality keeping the position, and follow
// processing progress until the video is ready.

const player = document.getElementById("player");
if (player) {
  const start = Number(player.dataset.start || new URLSearchParams(location.search).get("t") || 0);
  if (start > 0) {
    // A module script runs after parsing: on a busy machine the metadata may already be
    // there, and a listener added now would never hear it.
    if (player.readyState >= HTMLMediaElement.HAVE_METADATA) player.currentTime = start;
    else player.addEventListener("loadedmetadata", () => { player.currentTime = start; }, { once: true });
  }
  // Media in S3 comes through a presigned URL that expires after MASTERY_S3_URL_TTL_S (five
  // minutes by default), and the browser keeps fetching ranges from that redirected URL: a
  // seek or a resume after it expired fails with a network error. Ask our own media URL
  // again (a fresh presigned URL, and a fresh check that this member may still watch) and go
  // on from the same moment; once per successful load, so a refusal cannot loop.
  let loaded = player.readyState >= HTMLMediaElement.HAVE_METADATA; // it may have come first
  // What the viewer asked for: Chromium drops a pending play() on the error, firing no pause.
  let wantsToPlay = false;
  player.addEventListener("loadedmetadata", () => { loaded = true; });
  player.addEventListener("play", () => { wantsToPlay = true; });
  player.addEventListener("pause", () => { wantsToPlay = false; });
  player.addEventListener("error", () => {
    if (!loaded || !player.error || player.error.code !== MediaError.MEDIA_ERR_NETWORK) return;
    loaded = false;
    const at = player.currentTime;
    const resume = wantsToPlay;
    player.addEventListener("loadedmetadata", () => {
      player.currentTime = at;
      if (resume) player.play().catch(() => {}); // refused again: the controls show it paused
    }, { once: true });
    player.load();
  });
  recordPlays(player);
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
      if (state.status === "ready" || state.status === "failed" || state.status === "review_faces") {
        location.reload();
        return;
      }
      if (state.paused) text.textContent = state.paused;
      else text.textContent = state.status === "queued" ? "Waiting for its turn to be processed…" : `Processing: ${state.progress}%`;
      // The owner's status badge says the same as the bar (macros/videos.html words it).
      for (const badge of document.querySelectorAll(".status-badge")) {
        badge.className = `badge status-badge status-${state.status}`;
        badge.textContent = state.status === "queued" ? "Waiting to process" : `Processing ${state.progress}%`;
      }
    } catch (ignored) { /* keep polling */ }
    setTimeout(poll, 2000);
  };
  setTimeout(poll, 1500);
}

// The view record: a play starts when the viewer first presses play, and reports the seconds
// actually played (a seek adds nothing) every 15 s, on pause and when the page goes away. The
// video's owner sees who watched; nothing here ever decides what a viewer may do.
function recordPlays(video) {
  const playsUrl = video.dataset.playsUrl;
  if (!playsUrl) return;
  const csrf = video.dataset.csrf;
  let reportUrl = null;
  let starting = null;
  let watched = 0;
  let reported = -1;
  let last = null;

  const report = (leaving) => {
    if (!reportUrl || watched === reported) return;
    reported = watched;
    const body = new FormData();
    body.append("csrf_token", csrf);
    body.append("watched_s", watched.toFixed(1));
    if (leaving && navigator.sendBeacon) navigator.sendBeacon(reportUrl, body);
    else fetch(reportUrl, { method: "POST", body, credentials: "same-origin" }).catch(() => {});
  };

  video.addEventListener("play", () => {
    last = video.currentTime;
    if (starting) return;
    starting = fetch(playsUrl, { method: "POST", credentials: "same-origin",
                                 headers: { "X-CSRFToken": csrf } })
      .then((response) => (response.status === 201 ? response.json() : null))
      .then((play) => { if (play) { reportUrl = `/plays/${play.id}`; report(false); } })
      .catch(() => {});
  });
  video.addEventListener("timeupdate", () => {
    if (video.paused || video.seeking || last === null) { last = video.currentTime; return; }
    const step = video.currentTime - last;
    if (step > 0 && step < 1.5) watched += step; // a jump is a seek, not watching
    last = video.currentTime;
  });
  video.addEventListener("seeking", () => { last = null; });
  video.addEventListener("pause", () => report(false));
  video.addEventListener("ended", () => report(false));
  setInterval(() => { if (!video.paused) report(false); }, 15000);
  addEventListener("pagehide", () => report(true));
}

// Audio description: the "descriptions" track's cues are shown as text and, when the viewer
// switches it on, read aloud with the browser's speech synthesis (where there is one).
const describeToggle = document.getElementById("audio-description-toggle");
const describedText = document.getElementById("audio-description-text");
const describedPlayer = document.getElementById("player");
if (describeToggle && describedPlayer) {
  const track = [...describedPlayer.textTracks].find((each) => each.kind === "descriptions");
  const speech = "speechSynthesis" in window ? window.speechSynthesis : null;
  let speaking = false;
  if (track) {
    track.mode = "hidden";  // cues fire, nothing is drawn over the picture
    track.addEventListener("cuechange", () => {
      const cue = track.activeCues && track.activeCues[0];
      if (!cue) return;
      describedText.textContent = cue.text;
      if (speaking && speech) {
        speech.cancel();
        speech.speak(new SpeechSynthesisUtterance(cue.text));
      }
    });
  }
  describeToggle.addEventListener("click", () => {
    speaking = !speaking;
    describeToggle.setAttribute("aria-pressed", String(speaking));
    if (!speaking && speech) speech.cancel();
    if (speaking && !speech) describedText.textContent = "This browser cannot speak: the description is shown here as text.";
  });
}
