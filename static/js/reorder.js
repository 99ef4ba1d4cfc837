/* Reorder list items by dragging them with the mouse.
 *
 * Markup:
 *   <ol data-reorder-url="…" data-reorder-target="#list" data-csrf="…">
 *     <li data-reorder-id="12"> … <span data-reorder-handle hidden>⠿</span> … </li>
 *   </ol>
 *
 * Keyboard users (and everyone without JavaScript) have each item's "move up" / "move down"
 * buttons, which are plain forms; this script only adds the mouse. Handles stay hidden until
 * it runs, so nobody is offered a drag that cannot work. On drop it posts every id of the
 * list, in the new order, as `order` fields; the server answers the updated list, which
 * replaces `data-reorder-target` (htmx processes it, including out-of-band updates). If the
 * server refuses, the old order comes back and its message is shown.
 *
 * Loaded with <script defer>: the CSP forbids inline scripts.
 */
(function () {
  "use strict";

  var dragged = null;
  var origin = null;
  var originalOrder = [];

  function itemsOf(container) {
    return Array.prototype.filter.call(container.children, function (el) {
      return el.hasAttribute("data-reorder-id");
    });
  }

  function idsOf(elements) {
    return elements.map(function (el) { return el.getAttribute("data-reorder-id"); });
  }

  function prepare(root) {
    var scope = root && root.querySelectorAll ? root : document;
    scope.querySelectorAll("[data-reorder-handle]").forEach(function (handle) {
      var item = handle.closest("[data-reorder-id]");
      if (!item || !item.parentElement.hasAttribute("data-reorder-url")) return;
      handle.hidden = false;
      handle.setAttribute("draggable", "true");
    });
  }

  // The item of the list being dragged that lies under `target` (items nest: a stage holds
  // touchpoints, so climb until a sibling of the dragged item is found).
  function siblingUnder(target) {
    var el = target instanceof Element ? target.closest("[data-reorder-id]") : null;
    while (el && el.parentElement !== origin) {
      el = el.parentElement ? el.parentElement.closest("[data-reorder-id]") : null;
    }
    return el;
  }

  function isHorizontal(container) {
    var items = itemsOf(container);
    if (items.length < 2) return false;
    var a = items[0].getBoundingClientRect();
    var b = items[1].getBoundingClientRect();
    return Math.abs(a.top - b.top) < Math.min(a.height, b.height) / 2;
  }

  function restore(container, order) {
    order.forEach(function (el) { container.appendChild(el); });
  }

  function finish() {
    if (dragged) dragged.classList.remove("is-dragging");
    if (origin) origin.classList.remove("is-reordering");
    dragged = null;
    origin = null;
  }

  function showError(message) {
    var status = document.getElementById("editor-status");
    if (!status) return;
    var notice = document.createElement("p");
    notice.className = "notice notice--error";
    notice.textContent = message;
    status.replaceChildren(notice);
  }

  function save(container, ids, before) {
    var body = new FormData();
    ids.forEach(function (id) { body.append("order", id); });
    container.setAttribute("aria-busy", "true");
    fetch(container.getAttribute("data-reorder-url"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": container.getAttribute("data-csrf") || "", "HX-Request": "true" }
    }).then(function (response) {
      return response.text().then(function (text) {
        if (!response.ok) throw new Error(text || response.statusText);
        var selector = container.getAttribute("data-reorder-target");
        var target = (selector && document.querySelector(selector)) || container;
        if (window.htmx && window.htmx.swap) {
          window.htmx.swap(target, text, { swapStyle: "outerHTML", settleDelay: 0 });
        } else {
          window.location.reload();
        }
      });
    }).catch(function (error) {
      restore(container, before);
      container.removeAttribute("aria-busy");
      showError(error.message);
    });
  }

  document.addEventListener("dragstart", function (event) {
    var handle = event.target instanceof Element ? event.target.closest("[data-reorder-handle]") : null;
    if (!handle) return;
    var item = handle.closest("[data-reorder-id]");
    if (!item || !item.parentElement.hasAttribute("data-reorder-url")) return;
    dragged = item;
    origin = item.parentElement;
    originalOrder = itemsOf(origin);
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", item.getAttribute("data-reorder-id"));
    if (event.dataTransfer.setDragImage) event.dataTransfer.setDragImage(item, 16, 16);
    item.classList.add("is-dragging");
    origin.classList.add("is-reordering");
  });

  document.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var over = siblingUnder(event.target);
    if (!over) return; // not over this list: the browser shows "no drop"
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (over === dragged) return;
    var rect = over.getBoundingClientRect();
    var after = isHorizontal(origin)
      ? event.clientX > rect.left + rect.width / 2
      : event.clientY > rect.top + rect.height / 2;
    var reference = after ? over.nextElementSibling : over;
    if (reference !== dragged) origin.insertBefore(dragged, reference);
  });

  document.addEventListener("drop", function (event) {
    if (!dragged) return;
    event.preventDefault();
    var container = origin;
    var before = originalOrder;
    finish();
    var ids = idsOf(itemsOf(container));
    if (ids.join() !== idsOf(before).join()) save(container, ids, before);
  });

  document.addEventListener("dragend", function () {
    if (!dragged) return; // a drop already handled it
    restore(origin, originalOrder); // dropped outside the list: nothing changes
    finish();
  });

  // New content from htmx (a swapped list) gets its handles too.
  document.addEventListener("htmx:load", function (event) { prepare(event.target); });

  prepare(document);
})();
