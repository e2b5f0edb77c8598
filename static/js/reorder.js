// The collection page: reorder items by native HTML5 drag and drop, then save the whole order
// as JSON. Without this script (or without a mouse) the Move up / Move down buttons do the
// same through plain forms.

const list = document.getElementById("collection-items");
const status = document.getElementById("reorder-status");

if (list && list.dataset.orderUrl) {
  let dragged = null;
  const items = () => Array.from(list.querySelectorAll(":scope > .collection-item"));

  for (const item of items()) {
    item.draggable = true;
  }

  list.addEventListener("dragstart", (event) => {
    dragged = event.target.closest(".collection-item");
    if (!dragged) return;
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.itemId);
  });

  list.addEventListener("dragover", (event) => {
    const target = event.target.closest(".collection-item");
    if (!dragged || !target) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    clearMarks();
    if (target !== dragged) target.classList.add(isAfter(event, target) ? "drop-after" : "drop-before");
  });

  list.addEventListener("dragleave", (event) => {
    if (!list.contains(event.relatedTarget)) clearMarks();
  });

  list.addEventListener("drop", (event) => {
    const target = event.target.closest(".collection-item");
    event.preventDefault();
    clearMarks();
    if (!dragged || !target || target === dragged) return;
    const before = items().map((item) => item.dataset.itemId).join(",");
    if (isAfter(event, target)) target.after(dragged); else target.before(dragged);
    if (items().map((item) => item.dataset.itemId).join(",") !== before) save(dragged);
  });

  list.addEventListener("dragend", () => {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    clearMarks();
  });

  function isAfter(event, target) {
    const box = target.getBoundingClientRect();
    return event.clientY > box.top + box.height / 2;
  }

  function clearMarks() {
    for (const item of items()) item.classList.remove("drop-before", "drop-after");
  }

  function renumber() {
    const all = items();
    all.forEach((item, index) => {
      item.querySelector(".item-number").textContent = String(index + 1);
      const [up, down] = item.querySelectorAll(".item-actions button[type=submit]");
      if (up) up.disabled = index === 0;
      if (down) down.disabled = index === all.length - 1;
    });
  }

  async function save(moved) {
    renumber();
    const order = items().map((item) => Number(item.dataset.itemId));
    status.textContent = "Saving the new order…";
    try {
      const response = await fetch(list.dataset.orderUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": list.dataset.csrf },
        body: JSON.stringify({ item_ids: order }),
      });
      if (!response.ok) throw new Error(String(response.status));
      const number = order.indexOf(Number(moved.dataset.itemId)) + 1;
      status.textContent = `Order saved: ${moved.dataset.title} is now number ${number}.`;
      list.dataset.saved = order.join(",");
    } catch (error) {
      status.textContent = "The order could not be saved (the collection may have changed). Reloading…";
      setTimeout(() => location.reload(), 1500);
    }
  }
}
