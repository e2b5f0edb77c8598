// The conversation under the player: keep the comment form on the player's current moment,
// draw each thread as a marker on a timeline bar, and seek the player from a marker or a
// comment's time. Bodies are only ever set as text, never as HTML.

const player = document.getElementById("player");
const panel = document.getElementById("comments");

function clock(seconds) {
  const total = Math.max(0, Math.floor(seconds || 0));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = String(total % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

function seek(at, commentId) {
  player.currentTime = at;
  for (const current of panel.querySelectorAll(".comment.is-current")) current.classList.remove("is-current");
  const comment = commentId && document.getElementById(`comment-${commentId}`);
  if (comment) comment.classList.add("is-current");
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

function drawMarkers(bar, comments) {
  const duration = player.duration;
  if (!comments.length || !Number.isFinite(duration) || duration <= 0) return;
  const markers = comments.map((comment) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = `comment-marker kind-${comment.kind}`;
    button.dataset.at = String(comment.at_s);
    const label = `${comment.label} at ${clock(comment.at_s)} by ${comment.author.name}`;
    button.setAttribute("aria-label", label);
    button.title = label;
    // CSSOM, not a style attribute: allowed under the page's CSP (style-src 'self').
    button.style.left = `${Math.min(100, (comment.at_s / duration) * 100)}%`;
    button.addEventListener("click", () => seek(comment.at_s, comment.id));
    return button;
  });
  bar.replaceChildren(...markers);
  bar.hidden = false;
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
    seek(Number(link.dataset.at), comment && comment.id.replace("comment-", ""));
  });
}

if (player && panel) {
  followTheMoment();
  loadMarkers();
  seekFromTimes();
}
