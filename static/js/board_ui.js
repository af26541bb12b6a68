/* The board's page furniture around the cards (board.js moves and syncs the cards):
 * - filter forms ([data-autosubmit], also on the forecast page) apply on change;
 * - a card's link opens the deal drawer (Bootstrap offcanvas filled by htmx) — not when the
 *   click ends a drag ([data-dragging] on the board) and not with a modifier key (new tab);
 * - the "+" of a column shows its quick-create form; Escape hides it again;
 * - a deleted deal ("deal:deleted") closes the drawer. */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form) form.requestSubmit();
  });

  var board = document.querySelector("[data-board]");
  if (!board) return;
  var drawerEl = document.getElementById("deal-drawer");

  function drawer() {
    return window.bootstrap && drawerEl ? window.bootstrap.Offcanvas.getOrCreateInstance(drawerEl) : null;
  }

  board.addEventListener("click", function (event) {
    var link = event.target.closest("[data-deal-open]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    if (board.dataset.dragging) return;
    if (!drawer() || !window.htmx) {
      window.location.href = link.href;
      return;
    }
    var body = drawerEl.querySelector("[data-drawer-body]");
    body.innerHTML = '<div class="drawer-loading" role="status">Loading…</div>';
    drawer().show();
    window.htmx.ajax("GET", link.href, { target: body, swap: "innerHTML" });
  });

  document.body.addEventListener("deal:deleted", function () {
    if (drawer()) drawer().hide();
  });

  function quickCreate(inside) {
    var column = inside.closest("[data-column]");
    return {
      form: column.querySelector("[data-quick-create]"),
      toggle: column.querySelector("[data-quick-create-toggle]")
    };
  }

  board.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-quick-create-toggle]");
    if (!toggle) return;
    var form = quickCreate(toggle).form;
    if (!form) return;
    form.hidden = !form.hidden;
    toggle.setAttribute("aria-expanded", String(!form.hidden));
    if (!form.hidden) form.querySelector("input[name=title]").focus();
  });

  board.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest("[data-quick-create]")) return;
    var parts = quickCreate(event.target);
    parts.form.hidden = true;
    if (parts.toggle) {
      parts.toggle.setAttribute("aria-expanded", "false");
      parts.toggle.focus();
    }
  });
})();
