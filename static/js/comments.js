// The conversation under the player: keep the comment form on the player's current moment,
// draw the threads as markers on a timeline bar (one per second, with a count), and seek the
// player from a marker or a comment's time. Bodies are only ever set as text, never as HTML.

const player = document.getElementById("player");
const panel = document.getElementById("comments");

function clock(seconds) {
  const total = Math.max(0, Math.floor(seconds || 0));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

function seek(at, commentIds = []) {
  player.currentTime = at;
  for (const current of panel.querySelectorAll(".comment.is-current")) current.classList.remove("is-current");
  for (const id of commentIds) {
    const comment = id && document.getElementById(`comment-${id}`);
    if (comment) comment.classList.add("is-current");
  }
}

function followTheMoment() {
  const hidden = document.getElementById("comment-at-s");
  const shown = document.getElementById("comment-moment-clock");
  if (!hidden || !shown) return;
  // With the script, the moment follows the player; the typed field is for pages without it.
  const typed = document.getElementById("comment-at-typed");
  if (typed) typed.hidden = true;
  const sync = () => {
    const now = player.currentTime || 0;
    hidden.value = now.toFixed(2);
    shown.textContent = clock(now);
  };
  player.addEventListener("timeupdate", sync);
  player.addEventListener("seeked", sync);
  player.addEventListener("loadedmetadata", sync);
  sync();
}

// Threads at the same second share one marker showing how many there are: two markers on
// the same spot would hide each other and read as one.
function groupBySecond(comments) {
  const groups = new Map();
  for (const comment of comments) {
    const second = Math.floor(comment.at_s);
    if (!groups.has(second)) groups.set(second, []);
    groups.get(second).push(comment);
  }
  return [...groups.entries()].sort(([a], [b]) => a - b);
}

function markerFor(second, group, duration) {
  const button = document.createElement("button");
  button.type = "button";
  const kinds = new Set(group.map((comment) => comment.kind));
  button.className = `comment-marker kind-${kinds.size === 1 ? group[0].kind : "mixed"}`;
  button.dataset.at = String(second);
  const at = Math.min(...group.map((comment) => comment.at_s), duration);
  let label;
  if (group.length === 1) {
    label = `${group[0].label} at ${clock(at)} by ${group[0].author.name}`;
  } else {
    const who = group.map((comment) => `${comment.label} by ${comment.author.name}`).join(", ");
    label = `${group.length} comments at ${clock(at)}: ${who}`;
    button.textContent = String(group.length);
  }
  button.setAttribute("aria-label", label);
  button.title = label;
  // CSSOM, not a style attribute: allowed under the page's CSP (style-src 'self').
  button.style.setProperty("--at", String(Math.min(100, (at / duration) * 100)));
  button.addEventListener("click", () => seek(at, group.map((comment) => comment.id)));
  return button;
}

function drawMarkers(bar, comments) {
  const duration = player.duration;
  if (!comments.length || !Number.isFinite(duration) || duration <= 0) return;
  const markers = groupBySecond(comments).map(([second, group]) => markerFor(second, group, duration));
  bar.replaceChildren(...markers);
  const wrap = document.getElementById("comment-timeline-wrap");
  if (wrap) wrap.hidden = false;
}

async function loadMarkers() {
  const bar = document.getElementById("comment-timeline");
  if (!bar) return;
  let comments;
  try {
    const response = await fetch(panel.dataset.markersUrl, { credentials: "same-origin" });
    if (!response.ok) return;
    comments = (await response.json()).comments;
  } catch (ignored) {
    return; // the list below the form still works without markers
  }
  if (Number.isFinite(player.duration) && player.duration > 0) {
    drawMarkers(bar, comments);
  } else {
    player.addEventListener("loadedmetadata", () => drawMarkers(bar, comments), { once: true });
  }
}

function seekFromTimes() {
  panel.addEventListener("click", (event) => {
    const link = event.target.closest("a.comment-time");
    if (!link) return;
    event.preventDefault();
    const comment = link.closest(".comment");
    seek(Number(link.dataset.at), comment ? [comment.id.replace("comment-", "")] : []);
  });
}

if (player && panel) {
  followTheMoment();
  loadMarkers();
  seekFromTimes();
}
