// The transcript beside the player: highlight the cue being spoken, seek on a click,
// search inside the transcript, and follow the owner's transcript progress.

const player = document.getElementById("player");
const list = document.getElementById("transcript-cues");

function cueButtons() {
  return list ? Array.from(list.querySelectorAll(".transcript-cue")) : [];
}

function followPlayback(buttons) {
  let current = null;
  const update = () => {
    const now = player.currentTime;
    const active = buttons.find((b) => now >= Number(b.dataset.start) && now < Number(b.dataset.end)) || null;
    if (active === current) return;
    if (current) current.removeAttribute("aria-current");
    current = active;
    if (!active) return;
    active.setAttribute("aria-current", "true");
    // Scroll the list, never the page: a viewer reading the description stays where they are.
    const top = active.offsetTop; // the list is positioned, so this is within it
    if (top < list.scrollTop || top + active.offsetHeight > list.scrollTop + list.clientHeight) {
      list.scrollTop = top - list.clientHeight / 3;
    }
  };
  player.addEventListener("timeupdate", update);
  player.addEventListener("seeked", update);
}

// A line tapped below the fold never plays a video nobody can see: bring the player into view
// first (on a phone it is pinned at the top and already is).
function showPlayer() {
  const box = player.getBoundingClientRect();
  if (box.top >= 0 && box.bottom <= window.innerHeight) return;
  const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  player.scrollIntoView({ block: "nearest", behavior: still ? "auto" : "smooth" });
}

function seekOnClick(buttons) {
  for (const button of buttons) {
    button.addEventListener("click", () => {
      showPlayer();
      player.currentTime = Number(button.dataset.start);
      player.play().catch(() => { /* autoplay refused: the position is still set */ });
    });
  }
}

function highlight(textNode, query) {
  const text = textNode.textContent;
  const lower = text.toLowerCase();
  const fragment = document.createDocumentFragment();
  let from = 0;
  let found = 0;
  for (let at = lower.indexOf(query); at !== -1; at = lower.indexOf(query, from)) {
    fragment.append(text.slice(from, at));
    const mark = document.createElement("mark");
    mark.textContent = text.slice(at, at + query.length);
    fragment.append(mark);
    from = at + query.length;
    found += 1;
  }
  fragment.append(text.slice(from));
  textNode.replaceChildren(fragment);
  return found;
}

function searchCues(buttons) {
  const input = document.getElementById("transcript-search");
  const status = document.getElementById("transcript-search-status");
  if (!input) return;
  const texts = buttons.map((b) => b.querySelector(".cue-text"));
  const originals = texts.map((t) => t.textContent);
  input.addEventListener("input", () => {
    const query = input.value.trim().toLowerCase();
    let matches = 0;
    let first = null;
    texts.forEach((node, i) => {
      node.textContent = originals[i];
      const found = query ? highlight(node, query) : 0;
      buttons[i].classList.toggle("is-filtered-out", Boolean(query) && found === 0);
      if (found && !first) first = buttons[i];
      matches += found;
    });
    if (first) list.scrollTop = first.offsetTop;
    status.textContent = query ? `${matches} match${matches === 1 ? "" : "es"}` : "";
  });
}

function followTranscriptProgress() {
  const box = document.getElementById("transcript-progress-box");
  if (!box) return;
  const text = document.getElementById("transcript-status");
  const bar = document.getElementById("transcript-progress");
  const poll = async () => {
    try {
      const response = await fetch(box.dataset.statusUrl, { credentials: "same-origin" });
      const state = await response.json();
      if (state.status !== "queued" && state.status !== "processing") {
        location.reload();
        return;
      }
      bar.value = state.progress;
      bar.textContent = `${state.progress}%`;
      text.textContent = state.status === "queued"
        ? "The transcript is waiting for its turn…"
        : `Making the transcript: ${state.progress}%`;
    } catch (ignored) { /* keep polling */ }
    setTimeout(poll, 3000);
  };
  setTimeout(poll, 2000);
}

const buttons = cueButtons();
if (player && buttons.length) {
  followPlayback(buttons);
  seekOnClick(buttons);
}
searchCues(buttons);
followTranscriptProgress();
