// PLC mode: one item at a time, each video held to its clip range, a meeting timer and a
// per-item timer, ArrowLeft / ArrowRight (and the Previous / Next links) between items, and
// a Full screen button. Without it the links still page through the items (?item=N).

const plc = document.getElementById("plc");
const sections = plc ? Array.from(plc.querySelectorAll(".plc-item")) : [];

function clock(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n) => String(n).padStart(2, "0");
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

// Play only [start, end): seek to the start when loaded, pause at the end, and start over
// from the clip's beginning when played again after it ended.
function limitToClip(video) {
  const start = Number(video.dataset.start || 0);
  const end = video.dataset.end ? Number(video.dataset.end) : null;
  const outside = () => video.currentTime < start - 0.25 || (end !== null && video.currentTime >= end - 0.05);
  video.addEventListener("loadedmetadata", () => {
    if (outside()) video.currentTime = start;
  });
  video.addEventListener("play", () => {
    if (outside()) video.currentTime = start;
  });
  video.addEventListener("timeupdate", () => {
    if (end !== null && video.currentTime >= end) {
      video.pause();
      video.currentTime = end;
    }
  });
}

if (plc && sections.length) {
  const prev = document.getElementById("plc-prev");
  const next = document.getElementById("plc-next");
  const position = document.getElementById("plc-position");
  const meetingTimer = document.getElementById("meeting-timer");
  const itemTimer = document.getElementById("item-timer");
  const fullscreen = document.getElementById("plc-fullscreen");
  let current = Number(plc.dataset.current || 0);

  // The meeting clock survives a reload of the page during the meeting.
  const key = `plc-meeting-start-${plc.dataset.collectionId}`;
  let meetingStart = Number(sessionStorage.getItem(key));
  if (!meetingStart) {
    meetingStart = Date.now();
    sessionStorage.setItem(key, String(meetingStart));
  }
  let itemStart = Date.now();
  const tick = () => {
    meetingTimer.textContent = clock((Date.now() - meetingStart) / 1000);
    itemTimer.textContent = clock((Date.now() - itemStart) / 1000);
  };
  tick();
  setInterval(tick, 1000);

  for (const video of plc.querySelectorAll("video.plc-video")) limitToClip(video);

  const url = (index) => {
    const target = new URL(location.href);
    target.searchParams.set("item", String(index + 1));
    return target.pathname + target.search;
  };

  const setLink = (link, index, enabled) => {
    link.href = url(index);
    if (enabled) {
      link.removeAttribute("aria-disabled");
      link.removeAttribute("tabindex");
    } else {
      link.setAttribute("aria-disabled", "true");
      link.setAttribute("tabindex", "-1");
    }
  };

  function show(index, { focus = true } = {}) {
    if (index < 0 || index >= sections.length) return;
    const leaving = sections[current].querySelector("video");
    if (leaving) leaving.pause();
    sections[current].hidden = true;
    current = index;
    const section = sections[current];
    section.hidden = false;
    setLink(prev, current - 1, current > 0);
    setLink(next, current + 1, current < sections.length - 1);
    position.textContent = `Item ${current + 1} of ${sections.length}`;
    history.replaceState(null, "", url(current));
    itemStart = Date.now();
    tick();
    if (focus) section.querySelector(".plc-video-title").focus();
  }

  prev.addEventListener("click", (event) => { event.preventDefault(); show(current - 1); });
  next.addEventListener("click", (event) => { event.preventDefault(); show(current + 1); });
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest("input, textarea, select")) return;
    if (event.key === "ArrowRight") { event.preventDefault(); show(current + 1); }
    if (event.key === "ArrowLeft") { event.preventDefault(); show(current - 1); }
  });

  if (fullscreen && document.fullscreenEnabled) {
    fullscreen.hidden = false;
    const label = () => { fullscreen.textContent = document.fullscreenElement ? "Exit full screen" : "Full screen"; };
    fullscreen.addEventListener("click", () => {
      if (document.fullscreenElement) document.exitFullscreen();
      else plc.requestFullscreen();
    });
    document.addEventListener("fullscreenchange", label);
  }
  show(current, { focus: false });
}
