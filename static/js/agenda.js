// The agenda page: a Print button (the browser's own print works without it).
const button = document.getElementById("print-agenda");
if (button) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
