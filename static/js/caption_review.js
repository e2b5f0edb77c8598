// Caption review: play one line at a time, and move between lines, from the keyboard.
const player = document.getElementById("review-player");
const nowPlaying = document.getElementById("review-now-playing");
const cues = [...document.querySelectorAll(".caption-review-cue")];
let stopAt = null;

function playCue(cue) {
  if (!player) return;
  const start = Number(cue.dataset.start);
  stopAt = Number(cue.dataset.end);
  player.currentTime = start;
  player.play().catch(() => {});
  if (nowPlaying) nowPlaying.textContent = `Playing ${cue.querySelector("label").textContent.trim()}`;
}

if (player) {
  player.addEventListener("timeupdate", () => {
    if (stopAt !== null && player.currentTime >= stopAt) {
      player.pause();
      stopAt = null;
    }
  });
}

cues.forEach((cue, index) => {
  cue.querySelector(".caption-review-play")?.addEventListener("click", () => playCue(cue));
  cue.querySelector("textarea").addEventListener("keydown", (event) => {
    if (!event.altKey) return;
    let target = null;
    if (event.key === "Enter") target = cue;
    else if (event.key === "ArrowDown") target = cues[index + 1];
    else if (event.key === "ArrowUp") target = cues[index - 1];
    if (!target) return;
    event.preventDefault();
    if (target !== cue) target.querySelector("textarea").focus();
    playCue(target);
  });
});
